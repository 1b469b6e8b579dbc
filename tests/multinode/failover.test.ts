// Two nodes behind a load balancer, a few hundred people asking and voting: one node is killed
// with SIGKILL mid-event. Its people reconnect through the balancer to the other node, catch up
// on what they missed, and nothing the server acknowledged is lost.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stores } from '../../server/stores.js';
import type { Session } from '../support/server.js';
import { openSharedStores } from '../support/cluster.js';
import { connectTo, guestAt, startBalancer, startNode, type NodeProcess } from '../support/nodes.js';
import { freshRedisUrl } from '../support/redis.js';
import { command, nextEvent, unwrap, type ClientSocket } from '../support/server.js';

const PEOPLE = 200;

/** Resolves when the socket is connected: at once (next turn) if it is, else on its next connect. */
const untilConnected = (socket: ClientSocket) =>
  new Promise<void>((resolve) => (socket.connected ? setImmediate(resolve) : socket.once('connect', () => resolve())));

interface Person {
  session: Session;
  socket: ClientSocket;
  /** Question ids this person's screen knows: from snapshots and live events. */
  seen: Set<string>;
}

describe('a node killed mid-event', () => {
  let nodes: NodeProcess[];
  let alive: NodeProcess[];
  let balancer: Awaited<ReturnType<typeof startBalancer>>;
  let stores: Stores;
  let townHallId: string;
  let people: Person[];

  const join = async (p: Person) => {
    const snapshot = unwrap(await command(p.socket, 'townhall:join', { townHallId })).qa;
    for (const q of snapshot.questions) p.seen.add(q.id);
  };

  beforeAll(async () => {
    const redisUrl = await freshRedisUrl();
    nodes = await Promise.all([0, 1].map(() => startNode({ redisUrl })));
    alive = [...nodes];
    balancer = await startBalancer(() => alive.map((n) => n.port));
    stores = await openSharedStores(redisUrl);
    townHallId = (await stores.townHalls.create({ title: 'Failover', description: '', startsAt: 1, status: 'live', moderation: 'post' })).id;
    people = [];
    for (let i = 0; i < PEOPLE; i += 50) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(50, PEOPLE - i) }, async (_, j) => {
          const session = await guestAt(balancer.url, `Person ${i + j}`);
          const socket = await connectTo(balancer.url, session, true);
          const person: Person = { session, socket, seen: new Set() };
          socket.on('qa:question-changed', ({ question }) => person.seen.add(question.id));
          // A browser re-joins its town hall on every reconnect (client/src/lib/qa-room.svelte.ts).
          socket.io.on('reconnect', () => void join(person).catch(() => {}));
          return person;
        }),
      );
      people.push(...batch);
    }
    await Promise.all(people.map(join));
  }, 120_000);
  afterAll(async () => {
    for (const p of people ?? []) p.socket.disconnect();
    await balancer?.close();
    await Promise.all((alive ?? []).map((n) => n.stop()));
    await stores?.close();
  });

  it('loses no acknowledged question or vote, and every screen catches up', async () => {
    const acked = { questions: new Map<string, string>(), votes: [] as { questionId: string; userId: string }[] };
    const first = unwrap(await command(people[0]!.socket, 'qa:ask', { townHallId, text: 'Opening question' }));
    acked.questions.set(first.id, people[0]!.session.me.id);

    // Everyone keeps acting while one node dies: asks (one each, the ask budget is one per 15 s)
    // and votes on the first question. Failures while reconnecting are expected; acks are kept.
    const victim = nodes[0]!;
    const act = async (p: Person, i: number) => {
      for (let attempt = 0; attempt < 40; attempt++) {
        const asked = await command(p.socket, 'qa:ask', { townHallId, text: `Question ${i}` }).catch(() => null);
        if (asked?.ok) {
          acked.questions.set(asked.data.id, p.session.me.id);
          break;
        }
        if (asked && !asked.ok && asked.error.code === 'RATE_LIMITED') break;
        await untilConnected(p.socket);
      }
      for (let attempt = 0; attempt < 40; attempt++) {
        const voted = await command(p.socket, 'qa:vote', { questionId: first.id, voted: true }).catch(() => null);
        if (voted?.ok) {
          acked.votes.push({ questionId: first.id, userId: p.session.me.id });
          break;
        }
        await untilConnected(p.socket);
      }
    };
    const acting = people.map((p, i) => act(p, i));
    await victim.kill();
    alive = [nodes[1]!];
    await Promise.all(acting);

    // Every person is connected again (to the node that is left) and in the room.
    await Promise.all(people.map((p) => untilConnected(p.socket)));
    // A join can time out while the surviving node takes every reconnection at once: ask again.
    await Promise.all(
      people.map(async (p) => {
        for (let attempt = 0; ; attempt++) {
          try {
            return await join(p);
          } catch (err) {
            if (attempt >= 5) throw err;
          }
        }
      }),
    );

    // Nothing acknowledged is missing from the store.
    for (const [id, authorId] of acked.questions) {
      expect(await stores.questions.getQuestion(id)).toMatchObject({ id, authorId, townHallId });
    }
    const stored = await stores.questions.getQuestion(first.id);
    expect(stored?.votes).toBe(new Set(acked.votes.map((v) => v.userId)).size);
    expect(acked.votes.length).toBe(PEOPLE);
    // Asks in flight on the dead node spent their budget without an answer; most others got one.
    expect(acked.questions.size).toBeGreaterThan(PEOPLE / 4);
    // And every screen knows every acknowledged question.
    for (const p of people) {
      const missing = [...acked.questions.keys()].filter((id) => !p.seen.has(id));
      expect(missing).toEqual([]);
    }
  });

  it('recovers a dropped connection into its rooms and has it take the current state, for its owner only', async () => {
    const watcher = people[1]!;
    const asker = await connectTo(balancer.url, await guestAt(balancer.url, 'Late asker'));
    unwrap(await command(asker, 'townhall:join', { townHallId }));
    // The connection drops (as on a flaky network) while someone else asks. Frames are written
    // by each node to its own connections and not replayed: the recovered one is told to resync.
    const resync = nextEvent(watcher.socket, 'townhall:resync', (p) => p.townHallId === townHallId, 10_000);
    const reconnected = new Promise<void>((resolve) => watcher.socket.once('connect', () => resolve()));
    watcher.socket.io.engine.close();
    const asked = unwrap(await command(asker, 'qa:ask', { townHallId, text: 'Asked while you were away?' })).id;
    await reconnected;
    expect(watcher.socket.recovered).toBe(true);
    await resync;
    // Still in the room (recovered), and the join's snapshot has what it missed.
    const snapshot = unwrap(await command(watcher.socket, 'townhall:join', { townHallId }));
    expect(snapshot.qa.questions.map((q) => q.id)).toContain(asked);
    asker.disconnect();
  });

  it('does not hand a dropped connection, its rooms or its missed events to someone else', async () => {
    const ownerSession = await guestAt(balancer.url, 'Owner');
    const owner = await connectTo(balancer.url, ownerSession);
    unwrap(await command(owner, 'townhall:join', { townHallId }));
    const other = await connectTo(balancer.url, await guestAt(balancer.url, 'Other'));
    unwrap(await command(other, 'townhall:join', { townHallId }));
    // A fact sent through the adapter (the asker's own copy of their question) gives the owner's
    // connection an offset to recover from.
    const seen = nextEvent(owner, 'qa:question-changed', (p) => p.question.text === 'Before the drop' && p.question.mine === true);
    unwrap(await command(owner, 'qa:ask', { townHallId, text: 'Before the drop' }));
    await seen;
    const { _pid: pid, _lastOffset: offset } = owner as unknown as { _pid: string; _lastOffset: string };
    expect([typeof pid, typeof offset]).toEqual(['string', 'string']);
    const closed = new Promise((resolve) => owner.once('disconnect', resolve));
    owner.io.engine.close();
    await closed;
    // The server keeps the session once it has seen the connection drop.
    for (let i = 0; !(await stores.redis!.exists(`rt:sio:session:${pid}`)); i++) {
      if (i > 100) throw new Error('the dropped session was never kept');
      await new Promise((resolve) => setImmediate(resolve));
    }
    const third = await connectTo(balancer.url, await guestAt(balancer.url, 'Third'));
    unwrap(await command(third, 'townhall:join', { townHallId }));
    unwrap(await command(third, 'qa:ask', { townHallId, text: 'Missed while away' }));

    const intruder = await connectTo(balancer.url, await guestAt(balancer.url, 'Intruder'));
    intruder.disconnect();
    const replayed: string[] = [];
    intruder.auth = { pid, offset };
    intruder.on('qa:question-changed', (p) => replayed.push(p.question.text));
    await new Promise<void>((resolve) => {
      intruder.once('connect', () => resolve());
      intruder.connect();
    });
    expect(intruder.recovered).toBe(false);
    // Not in the owner's town hall: nothing replayed, and commands there are refused.
    expect(await command(intruder, 'qa:ask', { townHallId, text: 'Whose room is this?' })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    expect(replayed).toEqual([]);
    for (const s of [intruder, other, third]) s.disconnect();
  });
});
