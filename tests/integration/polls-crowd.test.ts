import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PollResults } from '../../shared/polls.js';
import { command, nextEvent, startTestServer, unwrap, type ClientSocket, type TestServer } from '../support/server.js';

const CROWD = 200;
const INTERVAL_MS = 100;

describe.each(['sqlite', 'redis'] as const)('a crowd voting at once on the %s store', (store) => {
  let server: TestServer;
  let townHallId: string;
  let officer: ClientSocket, watcher: ClientSocket;
  let crowd: ClientSocket[];

  beforeAll(async () => {
    server = await startTestServer({ store, tallyIntervalMs: INTERVAL_MS });
    const host = await server.staff('officer');
    townHallId = (await server.townHall({ hosts: [{ id: host.me.id, displayName: host.me.displayName }] })).id;
    const join = async (s: ClientSocket) => {
      unwrap(await command(s, 'townhall:join', { townHallId }));
      return s;
    };
    [officer, watcher] = await Promise.all([server.connect(host).then(join), server.guest('Watcher').then(server.connect).then(join)]);
    crowd = await Promise.all(Array.from({ length: CROWD }, (_, i) => server.guest(`Resident ${i}`).then(server.connect).then(join)));
  });
  afterAll(() => server.close());

  it('counts every ballot once and sends results at the tally rate, not once per vote', async () => {
    const draft = unwrap(await command(officer, 'poll:create', { townHallId, kind: 'single', question: 'Best day for the next town hall?', options: ['Mon', 'Wed', 'Sat'] }));
    const poll = unwrap(await command(officer, 'poll:open', { pollId: draft.id }));
    const optionIds = poll.options.map((o) => o.id);

    const received: PollResults[] = [];
    watcher.on('poll:results-tallied', (p) => {
      if (p.pollId === poll.id) received.push(p.results);
    });
    const final = nextEvent(watcher, 'poll:results-tallied', (p) => p.pollId === poll.id && p.results.ballots === CROWD, 10_000);
    const started = performance.now();
    const acks = await Promise.all(
      crowd.map((s, i) => command(s, 'poll:vote', { pollId: poll.id, ballot: { kind: 'single', optionId: optionIds[i % 3]! } })),
    );
    const { results } = await final;
    const elapsed = performance.now() - started;

    expect(acks.every((a) => a.ok)).toBe(true);
    const expected = Object.fromEntries(optionIds.map((id, k) => [id, Array.from({ length: CROWD }, (_, i) => i % 3).filter((x) => x === k).length]));
    expect(results).toEqual({ kind: 'single', ballots: CROWD, counts: expected });
    expect(unwrap(await command(officer, 'townhall:join', { townHallId })).polls.find((p) => p.id === poll.id)?.results).toEqual(results);

    // One broadcast per tick at most: the count is bounded by the time taken, and far below one per vote.
    expect(received.length).toBeLessThanOrEqual(Math.ceil(elapsed / INTERVAL_MS) + 1);
    expect(received.length).toBeLessThan(CROWD / 10);
    const ballotsSeen = received.map((r) => r.ballots);
    expect(ballotsSeen).toEqual([...ballotsSeen].sort((a, b) => a - b));
  });
});
