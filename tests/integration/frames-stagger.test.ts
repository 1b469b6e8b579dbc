// Staggered frames: a large room's connections are split into slices, each written at its own
// phase of the tick. Here a room of a few dozen counts as large, and it crosses the threshold
// both ways while questions and votes flow.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { freshRedisUrl } from '../support/redis.js';
import { rooms } from '../../server/core/types.js';
import { sliceOf } from '../../server/townhall/frame-tick.js';
import type { RoomFrame } from '../../shared/room.js';
import { command, startTestServer, unwrap, type ClientSocket, type TestServer } from '../support/server.js';

const SLICES = 4;
const LARGE = 30;

/** What one connection received in frames: question ids in order, when each came, the latest counts. */
interface Seen {
  socket: ClientSocket;
  questions: string[];
  arrivedAt: Map<string, number>;
  votes: Map<string, number>;
}

function watch(socket: ClientSocket): Seen {
  const seen: Seen = { socket, questions: [], arrivedAt: new Map(), votes: new Map() };
  socket.on('townhall:frame', (frame: RoomFrame) => {
    const now = performance.now();
    for (const [event, payload] of frame.facts) {
      if (event === 'qa:question-changed') {
        const { id } = (payload as { question: { id: string } }).question;
        seen.questions.push(id);
        if (!seen.arrivedAt.has(id)) seen.arrivedAt.set(id, now);
      }
      if (event === 'qa:votes-tallied') {
        for (const [id, n] of Object.entries((payload as { votes: Record<string, number> }).votes)) seen.votes.set(id, n);
      }
    }
  });
  return seen;
}

const spread = (times: number[]) => Math.max(...times) - Math.min(...times);

describe('a large room’s frames are staggered over slices', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ frameStagger: { from: LARGE, slices: SLICES } });
  });
  afterAll(() => server.close());

  it('gives every connection every fact once and in order, across the threshold both ways, at the phases of their slices', async () => {
    const { id: townHallId } = await server.townHall({ moderation: 'post' });
    const roomSize = () => server.app.io.of('/').adapter.rooms.get(rooms.townHall(townHallId))?.size ?? 0;
    const join = async (session: Awaited<ReturnType<TestServer['guest']>>) => {
      const socket = await server.connect(session);
      const seen = watch(socket);
      unwrap(await command(socket, 'townhall:join', { townHallId }));
      return seen;
    };
    // Staff get their own frame: delivered by slice too, never the staff room at every phase.
    const moderator = await join(await server.staff('moderator', 'Mod'));
    // Askers (one question each: asking is rate limited) get their own copy outside frames, and
    // frames of their own without it.
    const askers = await Promise.all(Array.from({ length: 9 }, (_, i) => server.guest(`Asker ${i}`).then(join)));
    const early = await Promise.all(Array.from({ length: 6 }, (_, i) => server.guest(`Early ${i}`).then(join)));
    const asked: string[] = [];
    const ask = async (n: number) => {
      for (let i = 0; i < n; i++) {
        const text = `Question number ${asked.length}?`;
        const q = unwrap(await command(askers[asked.length]!.socket, 'qa:ask', { townHallId, text, anonymous: false }));
        asked.push(q.id);
      }
    };
    const framedFor = (seen: Seen, ids: string[]) => ids.filter((id) => seen !== askers[asked.indexOf(id)]);
    /** Waits until everyone listed has the question in a frame (its asker excepted). */
    const reached = (everyone: Seen[], id: string) =>
      vi.waitFor(() => everyone.forEach((s) => framedFor(s, [id]).forEach((q) => expect(s.arrivedAt.has(q)).toBe(true))), { timeout: 10_000 });

    expect(roomSize()).toBeLessThan(LARGE);
    await ask(2);

    const late = await Promise.all(Array.from({ length: 30 }, (_, i) => server.guest(`Late ${i}`).then(join)));
    expect(roomSize()).toBeGreaterThanOrEqual(LARGE);
    const before = asked.length;
    await ask(4);
    const stagedIds = asked.slice(before);
    const residents = [...early, ...late];
    const voted = stagedIds[0]!;
    await Promise.all(residents.map((r) => command(r.socket, 'qa:vote', { questionId: voted, voted: true }).then(unwrap)));
    const all = [moderator, ...askers, ...residents];
    await reached(all, stagedIds.at(-1)!);
    // Tallies converge to the stored count on every screen.
    const stored = (await server.stores.questions.getQuestion(voted))!.votes;
    expect(stored).toBe(residents.length);
    await vi.waitFor(() => all.forEach((s) => expect(s.votes.get(voted)).toBe(stored)), { timeout: 10_000 });

    // Each question reached the slices at different phases: the room's arrivals spread over the
    // tick, while one slice's connections got it together.
    for (const id of stagedIds) {
      const bySlice = new Map<number, number[]>();
      for (const s of all) {
        const at = s.arrivedAt.get(id);
        if (at === undefined) continue;
        const slice = sliceOf(s.socket.id!, SLICES);
        bySlice.set(slice, [...(bySlice.get(slice) ?? []), at]);
      }
      expect(bySlice.size).toBe(SLICES);
      const across = spread([...bySlice.values()].flat());
      // Four slices of a 100 ms tick: the first and last 75 ms apart, at least.
      expect(across).toBeGreaterThanOrEqual(50);
      for (const times of bySlice.values()) expect(spread(times)).toBeLessThan(across / 2);
    }

    for (const s of late) s.socket.disconnect();
    await vi.waitFor(() => expect(roomSize()).toBeLessThan(LARGE));
    await ask(2);
    // One more, after which anything sent twice before it has arrived too.
    await ask(1);
    const stayed = [moderator, ...askers, ...early];
    await reached(stayed, asked.at(-1)!);

    for (const s of stayed) expect(s.questions).toEqual(framedFor(s, asked));
    for (const s of late) {
      expect(new Set(s.questions).size).toBe(s.questions.length);
      expect(s.questions.filter((id) => stagedIds.includes(id))).toEqual(stagedIds);
    }
    for (const s of stayed) s.socket.disconnect();
  }, 60_000);
});

describe('staggered frames with two nodes on one Redis', () => {
  let first: TestServer;
  let second: TestServer;
  beforeAll(async () => {
    const redisUrl = await freshRedisUrl();
    const frameStagger = { from: 10, slices: SLICES };
    first = await startTestServer({ store: 'redis', redisUrl, tallyIntervalMs: 100, frameStagger });
    second = await startTestServer({ store: 'redis', redisUrl, tallyIntervalMs: 100, frameStagger });
  });
  afterAll(async () => {
    await first?.close();
    await second?.close();
  });

  it('frames the facts relayed from the other node into the same slices, each once and in order', async () => {
    const { id: townHallId } = await first.townHall({ moderation: 'post' });
    const join = async (node: TestServer, session: Awaited<ReturnType<TestServer['guest']>>) => {
      const socket = await node.connect(session);
      const seen = watch(socket);
      unwrap(await command(socket, 'townhall:join', { townHallId }));
      return seen;
    };
    const askers = await Promise.all(Array.from({ length: 6 }, (_, i) => first.guest(`Asker ${i}`).then((g) => join(first, g))));
    const moderator = await join(second, await second.staff('moderator', 'Mod'));
    const residents = await Promise.all(Array.from({ length: 16 }, (_, i) => second.guest(`Resident ${i}`).then((g) => join(second, g))));
    const asked: string[] = [];
    for (let i = 0; i < 5; i++) {
      asked.push(unwrap(await command(askers[i]!.socket, 'qa:ask', { townHallId, text: `Asked on the first node, ${i}?`, anonymous: false })).id);
    }
    const voted = asked[0]!;
    await Promise.all(residents.map((r) => command(r.socket, 'qa:vote', { questionId: voted, voted: true }).then(unwrap)));
    // One more question: whatever was sent twice before it has arrived by the time it has.
    asked.push(unwrap(await command(askers[5]!.socket, 'qa:ask', { townHallId, text: 'The last one?', anonymous: false })).id);
    const there = [moderator, ...residents];
    await vi.waitFor(() => there.forEach((s) => expect(s.arrivedAt.has(asked.at(-1)!)).toBe(true)), { timeout: 10_000 });
    for (const s of there) expect(s.questions).toEqual(asked);
    await vi.waitFor(() => there.forEach((s) => expect(s.votes.get(voted)).toBe(residents.length)), { timeout: 10_000 });
    expect((await first.stores.questions.getQuestion(voted))!.votes).toBe(residents.length);
    for (const s of [...askers, ...there]) s.socket.disconnect();
  }, 60_000);
});
