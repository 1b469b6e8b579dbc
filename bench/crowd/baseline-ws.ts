// Baseline (a), the practical ceiling of Roundtable's design: a raw `ws` server that speaks just
// enough Engine.IO v4 / Socket.IO v5 for the same clients, keeps the town hall in memory, and
// sends the same frames on the same tick policy, with Roundtable's own pure pieces: the tick
// (server/townhall/frame-tick.ts, from the room's size, the budget of writes a second and the
// stretch server/core/load.ts derives from the event loop's utilisation) and the frame's
// contents (server/townhall/frame-facts.ts: one absolute tally, chat sampled under sustained
// overload). Each frame is encoded once and its bytes written to every connection, as frames.ts
// writes them (server/townhall/frame-wire.ts). A connection with bytes piling up that the kernel
// has not taken skips frames, and is told to join again (`townhall:resync`) once drained, by the
// rule frames.ts follows (server/townhall/frame-laggards.ts). A large room is staggered as frames.ts staggers it: the
// same slices (by the same hash of the connection's id), each written at its phase of the tick
// with what it has not had (server/townhall/frame-log.ts).
// Environment: BENCH_FRAME_BUDGET (writes a second), BENCH_STRETCH (off: no stretch under load).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { monitorLoad } from '../../server/core/load.js';
import { compactFacts, type Entry } from '../../server/townhall/frame-facts.js';
import { FrameLog } from '../../server/townhall/frame-log.js';
import { createLaggards, resyncsPerFrame, sortOut, type Laggards } from '../../server/townhall/frame-laggards.js';
import { encodeEvent, writeWire, type WireSocket } from '../../server/townhall/frame-wire.js';
import {
  chatLimit,
  DEFAULT_WRITES_PER_SECOND,
  defaultStagger,
  isStaggered,
  sliceOf,
  slotMs,
  tickMs,
} from '../../server/townhall/frame-tick.js';
import { createBaselineState, serveCoordinator } from './baseline-state.js';
import type { FrameStats } from './protocol.js';

const writesPerSecond = Number(process.env.BENCH_FRAME_BUDGET ?? DEFAULT_WRITES_PER_SECOND);
/** Off: paced by the room's size only, to see what the stretch under load costs or saves. */
const stretches = process.env.BENCH_STRETCH !== 'off';
const stretch = () => (stretches ? load.stretch() : 1);
const stagger = defaultStagger(writesPerSecond);

interface Connection {
  ws: WebSocket;
  /** Its slice, in every room it joins (frame-tick.ts `sliceOf`). */
  slice: number;
}

interface Room {
  id: string;
  connections: Set<Connection>;
  /** The same connections by slice. */
  slices: Set<Connection>[];
  log: FrameLog<Entry>;
  tickMs: number;
  slotMs: number;
  lastSlotAt: number;
  timer: NodeJS.Timeout | null;
  /** Connections skipping frames until they drain (server/townhall/frame-laggards.ts). */
  lag: Laggards<Connection>;
}

const http = createServer();
const wss = new WebSocketServer({ server: http, path: '/socket.io/', perMessageDeflate: false });
const state = createBaselineState();
const load = monitorLoad();
const rooms = new Map<string, Room>();
const totals = { skippedFrames: 0, resyncs: 0, sampledChat: 0 };
let sids = 0;

function roomOf(id: string): Room {
  let room = rooms.get(id);
  if (!room) {
    const slices = Array.from({ length: stagger.slices }, () => new Set<Connection>());
    const log = new FrameLog<Entry>(stagger.slices);
    room = { id, connections: new Set(), slices, log, tickMs: 0, slotMs: 0, lastSlotAt: 0, timer: null, lag: createLaggards() };
    rooms.set(id, room);
  }
  return room;
}

function add(room: Room, event: string, payload: unknown): void {
  room.log.append({ event, payload, staffOnly: false, exceptStaff: false, exceptPeople: [] });
  schedule(room);
}

function schedule(room: Room): void {
  if (room.timer) return;
  room.timer = setTimeout(() => flush(room), Math.max(0, room.lastSlotAt + room.slotMs - performance.now()));
}

function flush(room: Room): void {
  room.timer = null;
  const staggered = isStaggered(room.connections.size, stagger);
  room.tickMs = tickMs(room.connections.size, writesPerSecond, stretch());
  room.slotMs = slotMs(room.tickMs, staggered, stagger.slices);
  room.lastSlotAt = performance.now();
  for (const { slices, entries } of room.log.take(staggered)) {
    // Every slice at once: the room's connections, one frame, as when it is not staggered.
    if (slices.length === stagger.slices) send(room, entries, room.connections, true, true);
    else for (const slice of slices) send(room, entries, room.slices[slice]!, false, slice === 0);
  }
  if (room.log.pending || room.lag.behind.size > 0) schedule(room);
}

function send(room: Room, entries: Entry[], audience: Set<Connection>, whole: boolean, counts: boolean): void {
  const slow = sortOutRoom(room, audience, whole, room.lastSlotAt);
  const { facts, sampled } = compactFacts(room.id, entries, 'everyone', undefined, chatLimit(stretch()));
  if (counts) totals.sampledChat += sampled;
  if (facts.length > 0) {
    const { wire } = encodeEvent('townhall:frame', { townHallId: room.id, facts });
    for (const c of audience) {
      if (slow.has(c)) totals.skippedFrames++;
      else writeWire(c.ws as unknown as WireSocket, wire);
    }
  }
}

/** The connections that skip this frame; those drained since they fell behind are told to join again. */
function sortOutRoom(room: Room, audience: Set<Connection>, whole: boolean, now: number): Set<Connection> {
  const limit = resyncsPerFrame(whole ? 1 : stagger.slices);
  const { slow, resync } = sortOut(room.lag, audience, (c) => room.connections.has(c), (c) => c.ws.bufferedAmount, now, limit);
  if (resync.length > 0) {
    const message = Buffer.from(`42${JSON.stringify(['townhall:resync', { townHallId: room.id }])}`);
    for (const c of resync) c.ws.send(message, { binary: false });
    totals.resyncs += resync.length;
  }
  return new Set(slow);
}

wss.on('connection', (ws) => {
  const sid = `s${++sids}`;
  const connection: Connection = { ws, slice: sliceOf(sid, stagger.slices) };
  const joined = new Set<string>();
  ws.send(`0${JSON.stringify({ sid, upgrades: [], pingInterval: 25000, pingTimeout: 20000, maxPayload: 1e6 })}`);
  ws.on('message', (data: Buffer) => {
    const text = data.toString();
    if (text === '40' || text.startsWith('40{')) return ws.send(`40{"sid":"${sid}"}`);
    if (!text.startsWith('42')) return;
    const open = text.indexOf('[');
    const ackId = text.slice(2, open);
    const [event, payload] = JSON.parse(text.slice(open)) as [string, Record<string, unknown>];
    const ack = (result: unknown) => ackId && ws.send(`43${ackId}${JSON.stringify([result])}`);
    if (event === 'townhall:join') {
      const townHallId = String(payload.townHallId);
      const room = roomOf(townHallId);
      room.connections.add(connection);
      room.slices[connection.slice]!.add(connection);
      joined.add(townHallId);
      return ack({ ok: true, data: state.join(townHallId) });
    }
    const outcome = state.command(event, payload, ws);
    if (!outcome) return ack({ ok: false, error: { code: 'NOT_FOUND', message: 'No such question.' } });
    ack({ ok: true, data: outcome.data });
    if (outcome.voted) {
      const { townHallId, questionId, votes } = outcome.voted;
      add(roomOf(townHallId), 'qa:votes-tallied', { townHallId, votes: { [questionId]: votes } });
    } else if (outcome.broadcast) add(roomOf(String(payload.townHallId)), ...outcome.broadcast);
  });
  ws.on('close', () => {
    for (const id of joined) {
      rooms.get(id)?.connections.delete(connection);
      rooms.get(id)?.slices[connection.slice]!.delete(connection);
    }
  });
});

http.listen(0, '127.0.0.1', () => {
  serveCoordinator(
    (http.address() as AddressInfo).port,
    async () => {
      load.close();
      for (const room of rooms.values()) if (room.timer) clearTimeout(room.timer);
      for (const ws of wss.clients) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => http.close(() => resolve())));
    },
    (): FrameStats => ({ tickMs: Math.max(0, ...[...rooms.values()].map((r) => r.tickMs)), lagMs: load.lagMs(), ...totals }),
  );
});
