// One frame per tick: what an attendee's connection receives when a room is busy, and what
// happens to a connection too slow to take it.
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { io as connectClient, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../server/core/log.js';
import { monitorLoad } from '../../server/core/load.js';
import { rooms, type AppServer } from '../../server/core/types.js';
import { SLOW_BYTES } from '../../server/townhall/frame-laggards.js';
import { unsentBytes } from '../../server/townhall/frame-wire.js';
import { createRoomFrames } from '../../server/townhall/frames.js';
import type { RoomFrame } from '../../shared/room.js';
import { command, startTestServer, unwrap, type ClientSocket, type TestServer } from '../support/server.js';

describe('a busy room sends one frame per tick', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it('gathers a burst of chat, a question and their votes into a few packets, missing nothing', async () => {
    const { id: townHallId } = await server.townHall({ moderation: 'post' });
    const join = async (name: string) => {
      const socket = await server.connect(await server.guest(name));
      unwrap(await command(socket, 'townhall:join', { townHallId }));
      return socket;
    };
    const watcher = await join('Watcher');
    const packets: string[] = [];
    watcher.onAny((event: string) => packets.push(event));
    const chatSeen = new Set<string>();
    watcher.on('chat:message-posted', ({ message }) => chatSeen.add(message.id));
    // On a machine loaded enough to lag, chat may be sampled: what is left out is counted.
    let chatSkipped = 0;
    watcher.on('chat:messages-skipped', ({ count }) => (chatSkipped += count));
    const counts = new Map<string, number>();
    watcher.on('qa:votes-tallied', ({ votes }) => Object.entries(votes).forEach(([id, n]) => counts.set(id, n)));

    const people = await Promise.all(Array.from({ length: 12 }, (_, i) => join(`Resident ${i}`)));
    const question = unwrap(await command(people[0]!, 'qa:ask', { townHallId, text: 'When does the new patrol schedule start?', anonymous: false }));
    const sent = await Promise.all(people.map((p, i) => command(p, 'chat:send', { townHallId, text: `Message number ${i}` })));
    await Promise.all(people.slice(1).map((p) => command(p, 'qa:vote', { questionId: question.id, voted: true })));

    const ids = sent.map((r) => unwrap(r).id);
    await vi.waitFor(() => expect(chatSeen.size + chatSkipped).toBe(ids.length));
    expect([...chatSeen].every((id) => ids.includes(id))).toBe(true);
    await vi.waitFor(() => expect(counts.get(question.id)).toBe(11));
    // Before frames this was 12 chat packets, a question and a tally or more: one per fact.
    expect(packets.every((event) => event === 'townhall:frame')).toBe(true);
    expect(packets.length).toBeLessThanOrEqual(6);
    for (const socket of [watcher, ...people]) socket.disconnect();
  });

  it('lets the staff’s frame carry the staff copy and the public frame the public one', async () => {
    const { id: townHallId } = await server.townHall({ moderation: 'pre' });
    const moderator = await server.connect(await server.staff('moderator', 'Mod'));
    const resident = await server.connect(await server.guest('Reader'));
    const asker = await server.connect(await server.guest('Asker'));
    for (const s of [moderator, resident, asker]) unwrap(await command(s, 'townhall:join', { townHallId }));
    const staffSaw = new Promise<string>((resolve) => moderator.on('qa:question-changed', ({ question }) => resolve(question.status)));
    let residentSaw = 0;
    resident.on('qa:question-changed', () => residentSaw++);
    unwrap(await command(asker, 'qa:ask', { townHallId, text: 'Is the held question shown to the public?', anonymous: true }));
    expect(await staffSaw).toBe('held');
    // A frame later, the public still has heard nothing of a held question.
    const later = new Promise((resolve) => resident.once('townhall:frame', resolve));
    unwrap(await command(moderator, 'chat:send', { townHallId, text: 'Welcome, everyone' }));
    await later;
    expect(residentSaw).toBe(0);
    for (const s of [moderator, resident, asker]) s.disconnect();
  });
});

describe('a slow connection', () => {
  let io: AppServer;
  let url: string;
  const load = monitorLoad();
  let frames: ReturnType<typeof createRoomFrames>;
  const townHallId = 'slowroom';

  beforeAll(async () => {
    const http = createServer();
    io = new Server(http) as AppServer;
    io.on('connection', (socket) => void socket.join(rooms.townHall(townHallId)));
    frames = createRoomFrames({ io, log: createLogger('silent'), load, writesPerSecond: 60_000, relay: null });
    http.listen(0, '127.0.0.1');
    await once(http, 'listening');
    url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    frames.close();
    load.close();
    io.close();
  });

  const connect = async () => {
    const socket: Socket = connectClient(url, { transports: ['websocket'], forceNew: true, reconnection: false });
    await new Promise((resolve) => socket.once('connect', () => resolve(null)));
    await vi.waitFor(() => expect(io.of('/').adapter.rooms.get(rooms.townHall(townHallId))?.has(socket.id!)).toBe(true));
    return socket;
  };

  it('skips frames while it cannot take them, keeps the server’s queue short, and is told to join again once drained', async () => {
    const fast = await connect();
    const slow = await connect();
    let fastFrames = 0;
    let largestFrame = 0;
    fast.on('townhall:frame', (frame: RoomFrame) => {
      fastFrames += frame.facts.length;
      largestFrame = Math.max(largestFrame, JSON.stringify(frame).length);
    });
    const resynced = new Promise((resolve) => slow.on('townhall:resync', resolve));
    // The slow one stops reading: its TCP buffers fill, then the server's queue for it would grow.
    const tcp = (slow.io.engine.transport as unknown as { ws: { _socket: { pause(): void; resume(): void } } }).ws._socket;
    tcp.pause();
    const serverSide = io.of('/').sockets.get(slow.id!)!;
    const held = () => unsentBytes(serverSide);

    const big = 'x'.repeat(512 * 1024);
    let published = 0;
    const publisher = setInterval(() => {
      published++;
      frames.add(townHallId, 'captions:line-added', { line: { text: big, n: published } }, 'everyone');
    }, 25);
    try {
      await vi.waitFor(() => expect(frames.stats().skippedFrames).toBeGreaterThan(3), { timeout: 20_000, interval: 50 });
      // However long it stays stuck (meanwhile over 20 MB a second are published), the server
      // holds at most what it had when it crossed the threshold and the frame that crossed it.
      let worst = 0;
      for (let i = 0; i < 20; i++) {
        worst = Math.max(worst, held());
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(worst).toBeGreaterThan(0);
      expect(worst).toBeLessThanOrEqual(SLOW_BYTES + 2 * largestFrame);
    } finally {
      clearInterval(publisher);
    }
    // The fast one was never held back: it got every fact published.
    await vi.waitFor(() => expect(fastFrames).toBe(published), { timeout: 10_000 });
    tcp.resume();
    // Once it drains, the next frame check tells it to take the current state again.
    frames.add(townHallId, 'captions:line-added', { line: { text: 'after', n: 0 } }, 'everyone');
    await resynced;
    expect(frames.stats().resyncs).toBe(1);
    fast.disconnect();
    slow.disconnect();
  }, 60_000);
});
