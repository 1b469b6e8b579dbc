// Three server processes on one Redis: what happens on one node reaches people on the others
// within the coalescing interval, and tallies go out once per room, not once per node.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stores } from '../../server/stores.js';
import { openSharedStores, staffAt } from '../support/cluster.js';
import { connectTo, guestAt, startNode, type NodeProcess } from '../support/nodes.js';
import { freshRedisUrl } from '../support/redis.js';
import { command, nextEvent, unwrap, type ClientSocket } from '../support/server.js';

const TALLY_MS = 100;

describe('three nodes on one Redis', () => {
  let nodes: NodeProcess[];
  let stores: Stores;
  let townHallId: string;
  let residents: ClientSocket[];
  let moderator: ClientSocket, officer: ClientSocket;

  beforeAll(async () => {
    const redisUrl = await freshRedisUrl();
    nodes = await Promise.all([0, 1, 2].map(() => startNode({ redisUrl, tallyIntervalMs: TALLY_MS })));
    stores = await openSharedStores(redisUrl);
    const officerSession = await staffAt(stores, nodes[1]!.url, 'officer', 'Officer');
    const hosts = [{ id: officerSession.me.id, displayName: 'Officer' }];
    townHallId = (await stores.townHalls.create({ title: 'Citywide', description: '', startsAt: 1, status: 'live', moderation: 'post', hosts })).id;
    // Each resident on a different node, and staff on yet others.
    residents = await Promise.all(
      [0, 1, 2, 0, 1, 2].map(async (n, i) => connectTo(nodes[n]!.url, await guestAt(nodes[n]!.url, `Resident ${i}`))),
    );
    moderator = await connectTo(nodes[2]!.url, await staffAt(stores, nodes[2]!.url, 'moderator', 'Mod'));
    officer = await connectTo(nodes[1]!.url, officerSession);
    for (const s of [...residents, moderator, officer]) unwrap(await command(s, 'townhall:join', { townHallId }));
  }, 60_000);
  afterAll(async () => {
    for (const s of residents ?? []) s.disconnect();
    moderator?.disconnect();
    officer?.disconnect();
    await Promise.all((nodes ?? []).map((n) => n.stop()));
    await stores?.close();
  });

  it('shows a question asked on one node to people on every node, and its removal', async () => {
    const [a, b, c] = residents;
    const seen = [b!, c!].map((s) => nextEvent(s, 'qa:question-changed', (p) => p.question.text === 'Streetlights on 5th?'));
    const asked = unwrap(await command(a!, 'qa:ask', { townHallId, text: 'Streetlights on 5th?' }));
    await Promise.all(seen);

    const gone = [a!, b!].map((s) => nextEvent(s, 'qa:question-removed', (p) => p.questionId === asked.id));
    unwrap(await command(moderator, 'mod:decide', { ref: { kind: 'question', id: asked.id }, action: 'remove', reason: 'off-topic' }));
    await Promise.all(gone);
  });

  it('tallies votes cast on every node into one broadcast per interval for the room', async () => {
    const asked = await Promise.all(
      ['More crossing guards?', 'Bike lanes on Main?', 'Later library hours?'].map((text, i) =>
        command(residents[i + 3]!, 'qa:ask', { townHallId, text }).then(unwrap),
      ),
    );
    const watcher = residents[1]!;
    const arrivals: number[] = [];
    watcher.on('qa:votes-tallied', () => arrivals.push(performance.now()));
    const last = asked.at(-1)!.id;
    const final = nextEvent(watcher, 'qa:votes-tallied', (p) => p.votes[last] === residents.length, 5000);
    // Votes on all three nodes, one after another, over several intervals.
    const started = performance.now();
    for (const q of asked) {
      await Promise.all(residents.map((s) => command(s, 'qa:vote', { questionId: q.id, voted: true }).then(unwrap)));
    }
    await final;
    // Nodes tallying on their own would each send one per interval, at unrelated moments.
    const gaps = arrivals.slice(1).map((t, i) => t - arrivals[i]!);
    expect(Math.min(...gaps)).toBeGreaterThan(TALLY_MS / 2);
    expect(arrivals.length).toBeLessThanOrEqual(Math.ceil((performance.now() - started) / TALLY_MS) + 1);
    for (const q of asked) expect((await stores.questions.getQuestion(q.id))?.votes).toBe(residents.length);
  });

  it('runs a poll opened on one node with ballots from every node', async () => {
    const poll = unwrap(
      await command(officer, 'poll:create', {
        townHallId,
        kind: 'single',
        question: 'Best meeting time?',
        options: ['Morning', 'Evening'],
        visibility: 'live',
        allowChange: false,
      }),
    );
    const opened = [residents[0]!, residents[2]!].map((s) => nextEvent(s, 'poll:changed', (p) => p.poll.id === poll.id && p.poll.status === 'open'));
    unwrap(await command(officer, 'poll:open', { pollId: poll.id }));
    await Promise.all(opened);
    const evening = poll.options[1]!.id;
    const done = nextEvent(officer, 'poll:results-tallied', (p) => p.pollId === poll.id && p.results.ballots === residents.length, 5000);
    await Promise.all(residents.map((s) => command(s, 'poll:vote', { pollId: poll.id, ballot: { kind: 'single', optionId: evening } }).then(unwrap)));
    const results = (await done).results;
    expect(results).toMatchObject({ kind: 'single', counts: { [evening]: residents.length } });
  });
  it('carries the staff backchannel to the crew on another node, and to no resident on any', async () => {
    const heard: string[] = [];
    for (const s of residents) s.onAny((event: string, ...args: unknown[]) => heard.push(JSON.stringify([event, ...args])));
    const atModerator = nextEvent(moderator, 'backchannel:posted', (p) => p.message.text === 'Node-crossing crew note');
    unwrap(await command(officer, 'backchannel:send', { townHallId, text: 'Node-crossing crew note' }));
    expect((await atModerator).message).toMatchObject({ authorName: 'Officer', authorRole: 'officer' });
    // Time for it to have arrived anywhere: a chat message sent after it reaches every resident.
    const barrier = residents.map((s) => nextEvent(s, 'chat:message-posted', (p) => p.message.text === 'after the note'));
    unwrap(await command(officer, 'chat:send', { townHallId, text: 'after the note' }));
    await Promise.all(barrier);
    expect(heard.join('\n')).not.toContain('Node-crossing crew note');
  });
});
