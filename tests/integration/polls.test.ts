import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { PollCreate, PollResults, PollView } from '../../shared/polls.js';
import type { z } from 'zod';
import { command, nextEvent, startTestServer, unwrap, type ClientSocket, type Session, type TestServer } from '../support/server.js';

describe.each(['sqlite', 'redis'] as const)('polls on the %s store', (store) => {
  let server: TestServer;
  let townHallId: string;
  let officer: ClientSocket, moderator: ClientSocket;
  let aliceSession: Session;
  let alice: ClientSocket, bob: ClientSocket;

  const join = async (s: ClientSocket) => {
    unwrap(await command(s, 'townhall:join', { townHallId }));
    return s;
  };
  const draft = async (payload: Omit<z.input<typeof PollCreate>, 'townHallId'>): Promise<PollView> =>
    unwrap(await command(officer, 'poll:create', { townHallId, ...payload }));
  const launch = async (payload: Omit<z.input<typeof PollCreate>, 'townHallId'>): Promise<PollView> =>
    unwrap(await command(officer, 'poll:open', { pollId: (await draft(payload)).id }));
  const single = { kind: 'single' as const, question: 'Which park first?', options: ['North', 'South', 'East'] };
  const listed = async (s: ClientSocket, pollId: string) => unwrap(await command(s, 'townhall:join', { townHallId })).polls.find((p) => p.id === pollId);
  const resultsOf = (s: ClientSocket, pollId: string, ballots: number) =>
    nextEvent(s, 'poll:results-tallied', (p) => p.pollId === pollId && p.results.ballots === ballots).then((p) => p.results);

  beforeAll(async () => {
    server = await startTestServer({ store });
    townHallId = (await server.townHall()).id;
    moderator = await server.staff('moderator').then(server.connect).then(join);
    unwrap(await command(moderator, 'mod:watch-queue', {}));
  });
  // Fresh people for every test: a host's budget is 30 poll commands a second.
  beforeEach(async () => {
    aliceSession = await server.guest('Alice');
    [alice, bob, officer] = await Promise.all([
      server.connect(aliceSession).then(join),
      server.guest('Bob').then(server.connect).then(join),
      server.staff('officer').then(async (session) => {
        await server.stores.townHalls.edit(townHallId, { hosts: [{ id: session.me.id, displayName: session.me.displayName }] });
        return join(await server.connect(session));
      }),
    ]);
  });
  afterAll(() => server.close());

  it('carries a single-choice poll from draft to closed results on every screen', async () => {
    const drafted = await draft(single);
    expect(drafted).toMatchObject({ status: 'draft', results: null, myBallot: null, allowChange: true, visibility: 'live' });
    expect(await listed(alice, drafted.id)).toBeUndefined();
    expect(await listed(officer, drafted.id)).toMatchObject({ status: 'draft' });
    expect(await command(alice, 'poll:vote', { pollId: drafted.id, ballot: { kind: 'single', optionId: drafted.options[0]!.id } })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });

    const bobSeesOpen = nextEvent(bob, 'poll:changed', (p) => p.poll.id === drafted.id && p.poll.status === 'open');
    const opened = unwrap(await command(officer, 'poll:open', { pollId: drafted.id }));
    expect(opened).toMatchObject({ status: 'open', closesAt: null, results: { kind: 'single', ballots: 0 } });
    expect((await bobSeesOpen).poll).not.toHaveProperty('results');

    const [north, south] = opened.options.map((o) => o.id);
    const bobSeesVotes = resultsOf(bob, opened.id, 2);
    const aliceVote = unwrap(await command(alice, 'poll:vote', { pollId: opened.id, ballot: { kind: 'single', optionId: north! } }));
    expect(aliceVote).toEqual({ pollId: opened.id, ballot: { kind: 'single', optionId: north }, replaced: false, held: false });
    unwrap(await command(officer, 'poll:vote', { pollId: opened.id, ballot: { kind: 'single', optionId: south! } }));
    expect((await bobSeesVotes).kind === 'single' && (await bobSeesVotes)).toMatchObject({ counts: { [north!]: 1, [south!]: 1 } });
    expect(JSON.stringify(await bobSeesVotes)).not.toMatch(/Alice|Staff/);

    const aliceSeesClose = nextEvent(alice, 'poll:changed', (p) => p.poll.id === opened.id && p.poll.status === 'closed');
    const closed = unwrap(await command(officer, 'poll:close', { pollId: opened.id }));
    expect(closed.closedAt).toBeGreaterThanOrEqual(opened.openedAt!);
    await aliceSeesClose;
    expect(await listed(alice, opened.id)).toMatchObject({ status: 'closed', myBallot: { optionId: north }, results: { ballots: 2 } });
    expect(await command(bob, 'poll:vote', { pollId: opened.id, ballot: { kind: 'single', optionId: north! } })).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT' },
    });
    expect(await command(officer, 'poll:close', { pollId: opened.id })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    expect(await command(officer, 'poll:open', { pollId: opened.id })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
  });

  it('counts multiple-choice, rating and ranked ballots', async () => {
    const multi = await launch({ kind: 'multiple', question: 'Which services matter?', options: ['Patrols', 'Outreach', 'Lighting'], maxChoices: 2 });
    const [patrols, outreach, lighting] = multi.options.map((o) => o.id) as [string, string, string];
    unwrap(await command(alice, 'poll:vote', { pollId: multi.id, ballot: { kind: 'multiple', optionIds: [patrols, lighting] } }));
    unwrap(await command(bob, 'poll:vote', { pollId: multi.id, ballot: { kind: 'multiple', optionIds: [lighting] } }));
    expect((await listed(bob, multi.id))?.results).toEqual({ kind: 'multiple', ballots: 2, counts: { [patrols]: 1, [outreach]: 0, [lighting]: 2 } });

    const rating = await launch({ kind: 'rating', question: 'How safe do you feel?', scale: { min: 0, max: 10 } });
    unwrap(await command(alice, 'poll:vote', { pollId: rating.id, ballot: { kind: 'rating', value: 0 } }));
    unwrap(await command(bob, 'poll:vote', { pollId: rating.id, ballot: { kind: 'rating', value: 9 } }));
    expect((await listed(alice, rating.id))?.results).toMatchObject({ kind: 'rating', ballots: 2, mean: 4.5, counts: { '0': 1, '9': 1, '10': 0 } });

    const ranked = await launch({ kind: 'ranked', question: 'Rank the priorities', options: ['Traffic', 'Theft', 'Noise'] });
    const [traffic, theft, noise] = ranked.options.map((o) => o.id) as [string, string, string];
    unwrap(await command(alice, 'poll:vote', { pollId: ranked.id, ballot: { kind: 'ranked', ranking: [noise, theft] } }));
    unwrap(await command(bob, 'poll:vote', { pollId: ranked.id, ballot: { kind: 'ranked', ranking: [theft] } }));
    unwrap(await command(officer, 'poll:vote', { pollId: ranked.id, ballot: { kind: 'ranked', ranking: [traffic, theft, noise] } }));
    const results = (await listed(alice, ranked.id))?.results as Extract<PollResults, { kind: 'ranked' }>;
    expect(results.firstPreferences).toEqual({ [traffic]: 1, [theft]: 1, [noise]: 1 });
    expect(results.rounds).toEqual([{ counts: { [traffic]: 1, [theft]: 1, [noise]: 1 }, eliminated: [], exhausted: 0 }]);
    expect(results.winners).toEqual([traffic, theft, noise]);
  });

  it('refuses bad ballots with an error code and counts nothing', async () => {
    const poll = await launch({ kind: 'multiple', question: 'Pick up to two', options: ['A', 'B', 'C'], maxChoices: 2 });
    const [a, b, c] = poll.options.map((o) => o.id) as [string, string, string];
    const ranked = await launch({ kind: 'ranked', question: 'Rank them', options: ['X', 'Y'] });
    const [x] = ranked.options.map((o) => o.id) as [string];
    const attempts = await Promise.all([
      command(alice, 'poll:vote', { pollId: poll.id, ballot: { kind: 'single', optionId: a } }),
      command(alice, 'poll:vote', { pollId: poll.id, ballot: { kind: 'multiple', optionIds: [a, 'no-such-option'] } }),
      command(alice, 'poll:vote', { pollId: poll.id, ballot: { kind: 'multiple', optionIds: [a, b, c] } }),
      command(alice, 'poll:vote', { pollId: poll.id, ballot: { kind: 'multiple', optionIds: [a, a] } }),
      command(alice, 'poll:vote', { pollId: poll.id, ballot: { kind: 'multiple', optionIds: [] } }),
      command(alice, 'poll:vote', { pollId: ranked.id, ballot: { kind: 'ranked', ranking: [x, x] } }),
      command(alice, 'poll:vote', { pollId: poll.id, ballot: { kind: 'multiple', optionIds: [a], extra: 1 } as never }),
    ]);
    for (const attempt of attempts) expect(attempt).toMatchObject({ ok: false, error: { code: 'INVALID_PAYLOAD' } });
    expect(await command(alice, 'poll:vote', { pollId: 'no-such-poll-0000', ballot: { kind: 'single', optionId: a } })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
    const stranger = await server.guest('Stranger').then(server.connect);
    expect(await command(stranger, 'poll:vote', { pollId: poll.id, ballot: { kind: 'multiple', optionIds: [a] } })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    expect(await command(alice, 'poll:create', { townHallId, ...single })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await command(alice, 'poll:open', { pollId: poll.id })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await server.stores.polls.ballots(poll.id)).toEqual([]);
    expect(await server.stores.polls.ballots(ranked.id)).toEqual([]);
  });

  it('counts a person voting from two tabs once and keeps their ballot across a reconnect', async () => {
    const poll = await launch({ ...single, allowChange: false });
    const [north, south] = poll.options.map((o) => o.id) as [string, string];
    const secondTab = await server.connect(aliceSession).then(join);
    const [one, two] = await Promise.all([
      command(alice, 'poll:vote', { pollId: poll.id, ballot: { kind: 'single', optionId: north } }),
      command(secondTab, 'poll:vote', { pollId: poll.id, ballot: { kind: 'single', optionId: south } }),
    ]);
    expect([one, two].filter((r) => r.ok)).toHaveLength(1);
    expect([one, two].find((r) => !r.ok)).toMatchObject({ error: { code: 'CONFLICT' } });
    const accepted = [one, two].find((r) => r.ok)!;
    expect(await server.stores.polls.ballots(poll.id)).toHaveLength(1);

    alice.disconnect();
    secondTab.disconnect();
    const again = await server.connect(aliceSession).then(join);
    const seen = await listed(again, poll.id);
    expect(seen?.myBallot).toEqual(accepted.ok && accepted.data.ballot);
    expect(seen?.results).toMatchObject({ ballots: 1 });
  });

  it('lets a person change their ballot while the host allows it', async () => {
    const poll = await launch(single);
    const [north, south] = poll.options.map((o) => o.id) as [string, string];
    unwrap(await command(alice, 'poll:vote', { pollId: poll.id, ballot: { kind: 'single', optionId: north } }));
    const changed = unwrap(await command(alice, 'poll:vote', { pollId: poll.id, ballot: { kind: 'single', optionId: south } }));
    expect(changed.replaced).toBe(true);
    expect((await listed(bob, poll.id))?.results).toMatchObject({ ballots: 1, counts: { [north]: 0, [south]: 1 } });
  });

  it('shows staff-only results to staff alone, and on-close results to residents only once closed', async () => {
    const staffOnly = await launch({ ...single, visibility: 'staff' });
    const onClose = await launch({ ...single, visibility: 'on-close' });
    const seenByBob: string[] = [];
    bob.on('poll:results-tallied', (p) => {
      if (p.pollId === staffOnly.id || p.pollId === onClose.id) seenByBob.push(p.pollId);
    });
    const officerSees = Promise.all([resultsOf(officer, staffOnly.id, 1), resultsOf(officer, onClose.id, 1)]);
    for (const p of [staffOnly, onClose]) unwrap(await command(alice, 'poll:vote', { pollId: p.id, ballot: { kind: 'single', optionId: p.options[1]!.id } }));
    await officerSees;
    for (const p of [staffOnly, onClose]) {
      expect(await listed(bob, p.id)).toMatchObject({ results: null });
      expect(await listed(officer, p.id)).toMatchObject({ results: { ballots: 1 } });
    }
    expect(seenByBob).toEqual([]);

    const bobSeesFinal = resultsOf(bob, onClose.id, 1);
    const officerSeesFinal = resultsOf(officer, staffOnly.id, 1);
    for (const p of [staffOnly, onClose]) unwrap(await command(officer, 'poll:close', { pollId: p.id }));
    expect(await bobSeesFinal).toMatchObject({ ballots: 1 });
    await officerSeesFinal;
    expect(await listed(bob, onClose.id)).toMatchObject({ status: 'closed', results: { ballots: 1 } });
    expect(await listed(bob, staffOnly.id)).toMatchObject({ status: 'closed', results: null });
    expect(seenByBob).not.toContain(staffOnly.id);
  });

  it('closes a timed poll once its time has passed, whichever node reads it next', async () => {
    const timed = unwrap(await command(officer, 'poll:open', { pollId: (await draft(single)).id, durationSeconds: 60 }));
    expect(timed.closesAt).toBe(timed.openedAt! + 60_000);
    expect(await command(officer, 'poll:open', { pollId: (await draft(single)).id, durationSeconds: 5 })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_PAYLOAD' },
    });

    // Opened through the store with its closing time already past, as if the node that opened
    // it (and its timer) went away.
    const overdue = await draft(single);
    const closesAt = Date.now() - 1_000;
    await server.stores.polls.transition(overdue.id, 'open', closesAt - 60_000, closesAt);
    const bobSeesClose = nextEvent(bob, 'poll:changed', (p) => p.poll.id === overdue.id && p.poll.status === 'closed');
    expect(await command(alice, 'poll:vote', { pollId: overdue.id, ballot: { kind: 'single', optionId: overdue.options[0]!.id } })).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT' },
    });
    expect((await bobSeesClose).poll.closedAt).toBe(closesAt);
    expect(await listed(alice, overdue.id)).toMatchObject({ status: 'closed', closedAt: closesAt, results: { ballots: 0 } });
    expect(await server.stores.polls.ballots(overdue.id)).toEqual([]);
  });

  it('closes a timed poll by itself at its closing time on a node that has read it', async () => {
    // The contract's shortest duration is 10 s, so the poll is opened through the store with a
    // closing time just ahead; the read arms this node's timer.
    const soon = await draft(single);
    const closesAt = Date.now() + 300;
    await server.stores.polls.transition(soon.id, 'open', Date.now(), closesAt);
    const bobSeesClose = nextEvent(bob, 'poll:changed', (p) => p.poll.id === soon.id && p.poll.status === 'closed');
    expect(await listed(alice, soon.id)).toMatchObject({ status: 'open', closesAt });
    expect((await bobSeesClose).poll.closedAt).toBe(closesAt);
    expect((await server.stores.polls.getPoll(soon.id))?.status).toBe('closed');
  });

  it('holds a filtered word-cloud answer out of the cloud until a moderator approves it', async () => {
    const cloud = await launch({ kind: 'wordcloud', question: 'One word for your street?' });
    const queued = nextEvent(moderator, 'mod:queue-changed', (p) => p.item.ref.kind === 'answer' && p.item.text === 'dirtycop');
    const held = unwrap(await command(alice, 'poll:vote', { pollId: cloud.id, ballot: { kind: 'wordcloud', text: '  dirtycop ' } }));
    expect(held.ballot).toEqual({ kind: 'wordcloud', text: 'dirtycop' });
    expect(held.held).toBe(true);
    const bobSeesOne = resultsOf(bob, cloud.id, 1);
    unwrap(await command(bob, 'poll:vote', { pollId: cloud.id, ballot: { kind: 'wordcloud', text: 'Quiet' } }));
    expect(await bobSeesOne).toMatchObject({ words: [{ word: 'quiet', count: 1 }] });

    const { item } = await queued;
    expect(item).toMatchObject({ status: 'held', holdReason: 'filter', authorName: null, authorId: null });
    const bobSeesTwo = resultsOf(bob, cloud.id, 2);
    expect(unwrap(await command(moderator, 'mod:decide', { ref: item.ref, action: 'approve' }))).toEqual({ status: 'published' });
    expect(await bobSeesTwo).toMatchObject({ words: [{ word: 'dirtycop', count: 1 }, { word: 'quiet', count: 1 }] });
    expect(await command(moderator, 'mod:decide', { ref: item.ref, action: 'reject', reason: 'spam' })).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT' },
    });
  });
});
