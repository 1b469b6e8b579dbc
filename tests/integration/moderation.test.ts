import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { verifyChain } from '../../server/moderation/audit.js';
import { command, nextEvent, startTestServer, unwrap, type ClientSocket, type TestServer } from '../support/server.js';

describe.each(['sqlite', 'redis'] as const)('the moderation pipeline on the %s store', (store) => {
  let server: TestServer;
  let townHallId: string;
  let mod1: ClientSocket, mod2: ClientSocket;

  beforeAll(async () => {
    server = await startTestServer({ store, flagThreshold: 3 });
    townHallId = (await server.townHall()).id;
    mod1 = await server.connect(await server.staff('moderator', 'Mod One'));
    mod2 = await server.connect(await server.staff('moderator', 'Mod Two'));
    for (const m of [mod1, mod2]) unwrap(await command(m, 'mod:watch-queue', {}));
  });
  afterAll(() => server.close());

  const resident = async (name = 'Resident') => {
    const socket = await server.connect(await server.guest(name));
    unwrap(await command(socket, 'townhall:join', { townHallId }));
    return socket;
  };
  const ask = async (socket: ClientSocket, text: string) => unwrap(await command(socket, 'qa:ask', { townHallId, text }));
  const ref = (id: string) => ({ kind: 'question' as const, id });

  it('hides a question that three different people flag, and queues it for review', async () => {
    const author = await resident('Author');
    const q = await ask(author, 'Is the chief stepping down?');
    const [a, b, c] = await Promise.all([resident('Flagger A'), resident('Flagger B'), resident('Flagger C')]);
    // Flags count from people who took part in the town hall: these three voted.
    for (const f of [a, b, c]) unwrap(await command(f, 'qa:vote', { questionId: q.id, voted: true }));
    expect(unwrap(await command(a, 'mod:flag', { ref: ref(q.id), reason: 'spam' }))).toEqual({ flagged: true });
    unwrap(await command(a, 'mod:flag', { ref: ref(q.id), reason: 'spam' }));
    unwrap(await command(b, 'mod:flag', { ref: ref(q.id), reason: 'spam' }));
    expect((await server.stores.questions.getQuestion(q.id))?.status).toBe('published');

    const leavesC = nextEvent(c, 'qa:question-removed', (p) => p.questionId === q.id);
    const authorTold = nextEvent(author, 'mod:notice-sent', (p) => p.notice.ref.id === q.id);
    const queued = nextEvent(mod1, 'mod:queue-changed', (p) => p.item.ref.id === q.id && p.item.status === 'hidden');
    unwrap(await command(c, 'mod:flag', { ref: ref(q.id), reason: 'spam' }));
    await leavesC;
    expect((await authorTold).notice).toMatchObject({ action: 'hide' });
    expect((await queued).item).toMatchObject({ reason: 'flagged', flags: 3, authorName: 'Author' });
    const snapshot = unwrap(await command(author, 'townhall:join', { townHallId })).qa;
    expect(snapshot.questions.find((x) => x.id === q.id)?.status).toBe('hidden');
    const own = await command(author, 'mod:flag', { ref: ref(q.id), reason: 'spam' });
    expect(own).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
  });

  it('tells the author why their question was removed and lets a different moderator restore it on appeal', async () => {
    const author = await resident('Appellant');
    const q = await ask(author, 'Why was my cousin arrested last week?');
    const notice = nextEvent(author, 'mod:notice-sent', (p) => p.notice.ref.id === q.id);
    unwrap(await command(mod1, 'mod:decide', { ref: ref(q.id), action: 'remove', reason: 'personal-information' }));
    expect((await notice).notice).toMatchObject({ action: 'remove', reason: 'personal-information', canAppeal: true });
    expect(unwrap(await command(author, 'mod:notices', {}))[0]).toMatchObject({ ref: ref(q.id), action: 'remove' });

    const appealed = nextEvent(mod2, 'mod:queue-changed', (p) => p.item.ref.id === q.id && p.item.reason === 'appealed');
    unwrap(await command(author, 'mod:appeal', { ref: ref(q.id), text: 'I did not name anyone.' }));
    expect((await appealed).item.appeal).toMatchObject({ text: 'I did not name anyone.' });
    const again = await command(author, 'mod:appeal', { ref: ref(q.id), text: 'Please!' });
    expect(again).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    expect(unwrap(await command(author, 'mod:notices', {}))[0]?.canAppeal).toBe(false);

    const sameModerator = await command(mod1, 'mod:decide-appeal', { ref: ref(q.id), outcome: 'restored' });
    expect(sameModerator).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    const bystander = await resident('Bystander');
    const back = nextEvent(bystander, 'qa:question-changed', (p) => p.question.id === q.id);
    unwrap(await command(mod2, 'mod:decide-appeal', { ref: ref(q.id), outcome: 'restored' }));
    expect((await back).question.status).toBe('published');
    const twice = await command(mod2, 'mod:decide-appeal', { ref: ref(q.id), outcome: 'upheld' });
    expect(twice).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
  });

  it('blocks a timed-out person with the end time', async () => {
    const person = await resident('Heckler');
    const q = await ask(person, 'First question before the timeout');
    const sanction = unwrap(
      await command(mod1, 'mod:sanction', { target: { ref: ref(q.id) }, kind: 'timeout', minutes: 10, reason: 'harassment' }),
    );
    expect(sanction.until! - sanction.at).toBe(10 * 60_000);
    const voter = await resident('Other');
    const theirs = await ask(voter, 'A question to vote on');
    const refused = await command(person, 'qa:vote', { questionId: theirs.id, voted: true });
    expect(refused).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', until: sanction.until } });
  });

  it('lets a timed-out person take part again once the timeout has run out', async () => {
    const session = await server.guest('Briefly quiet');
    const person = await server.connect(session);
    unwrap(await command(person, 'townhall:join', { townHallId }));
    const voter = await resident('Asker');
    const theirs = await ask(voter, 'Vote for this one');
    // A timeout that ends in a moment, written straight to the store, so the test need not wait minutes.
    await server.stores.moderation.sanctions.addSanction({
      userId: session.me.id,
      kind: 'timeout',
      townHallId: null,
      until: Date.now() + 300,
      reason: 'spam',
      note: null,
      by: 'test',
      at: Date.now(),
    });
    expect((await command(person, 'qa:vote', { questionId: theirs.id, voted: true })).ok).toBe(false);
    await vi.waitFor(
      async () => expect((await command(person, 'qa:vote', { questionId: theirs.id, voted: true })).ok).toBe(true),
      { timeout: 8000, interval: 250 },
    );
  });

  it('bans a person from one town hall only, and a lifted ban no longer applies', async () => {
    const person = await resident('Banned');
    const q = await ask(person, 'Before the ban');
    const ban = unwrap(
      await command(mod1, 'mod:sanction', { target: { ref: ref(q.id) }, kind: 'ban', townHallId, reason: 'threat' }),
    );
    expect(ban.until).toBeNull();
    const other = (await server.townHall()).id;
    const elsewhere = await server.connect(await server.guest('Elsewhere'));
    unwrap(await command(elsewhere, 'townhall:join', { townHallId: other }));
    const there = unwrap(await command(elsewhere, 'qa:ask', { townHallId: other, text: 'In another town hall' }));
    unwrap(await command(person, 'townhall:join', { townHallId: other }));
    expect((await command(person, 'qa:vote', { questionId: there.id, voted: true })).ok).toBe(true);
    expect(await command(person, 'qa:vote', { questionId: q.id, voted: true })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN', until: null },
    });
    const panel = unwrap(await command(mod2, 'mod:user', { target: { ref: ref(q.id) } }));
    expect(panel.active.map((s) => s.id)).toEqual([ban.id]);
    unwrap(await command(mod2, 'mod:lift', { sanctionId: ban.id }));
    expect((await command(person, 'qa:vote', { questionId: q.id, voted: true })).ok).toBe(true);
  });

  it('keeps a flagged question a moderator finds fine, taking it off the queue', async () => {
    const author = await resident('Fine author');
    const q = await ask(author, 'When is bulk trash pickup?');
    const flagger = await resident('Over-eager flagger');
    const queued = nextEvent(mod1, 'mod:queue-changed', (p) => p.item.ref.id === q.id);
    unwrap(await command(flagger, 'mod:flag', { ref: ref(q.id), reason: 'spam' }));
    expect((await queued).item).toMatchObject({ reason: 'flagged', flags: 1, status: 'published' });
    const gone = nextEvent(mod2, 'mod:queue-removed', (p) => p.ref.id === q.id);
    expect(unwrap(await command(mod1, 'mod:decide', { ref: ref(q.id), action: 'approve' }))).toEqual({ status: 'published' });
    await gone;
    expect(await server.stores.moderation.queue.getQueueEntry(ref(q.id))).toBeNull();
  });

  it('keeps a question a moderator hid in the queue until it is decided', async () => {
    const author = await resident('Hidden author');
    const q = await ask(author, 'A question to hide for a moment');
    unwrap(await command(mod1, 'mod:decide', { ref: ref(q.id), action: 'hide', reason: 'other' }));
    expect(await server.stores.moderation.queue.getQueueEntry(ref(q.id))).toMatchObject({ reason: 'hidden' });
    unwrap(await command(mod2, 'mod:decide', { ref: ref(q.id), action: 'approve' }));
    expect(await server.stores.moderation.queue.getQueueEntry(ref(q.id))).toBeNull();
  });

  it('refuses sanctions and decisions from residents', async () => {
    const person = await resident();
    const q = await ask(person, 'A normal question');
    const results = await Promise.all([
      command(person, 'mod:sanction', { target: { ref: ref(q.id) }, kind: 'ban', reason: 'spam' }),
      command(person, 'mod:decide', { ref: ref(q.id), action: 'hide', reason: 'spam' }),
      command(person, 'mod:filter-add', { term: 'anything', action: 'block' }),
      command(person, 'mod:watch-queue', {}),
      command(person, 'mod:audit', { afterSeq: 0, limit: 10 }),
    ]);
    for (const r of results) expect(r).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  });

  it('stops sending queue facts to a console that was closed', async () => {
    const leaving = await server.connect(await server.staff('moderator', 'Mod Leaving'));
    unwrap(await command(leaving, 'mod:watch-queue', {}));
    const seen: string[] = [];
    leaving.on('mod:queue-changed', ({ item }) => seen.push(item.ref.id));
    expect(unwrap(await command(leaving, 'mod:unwatch-queue', {}))).toBeNull();

    const q = await ask(await resident(), 'A question that a moderator hides');
    const stillWatching = nextEvent(mod1, 'mod:queue-changed', (p) => p.item.ref.id === q.id);
    unwrap(await command(mod2, 'mod:decide', { ref: ref(q.id), action: 'hide', reason: 'spam' }));
    await stillWatching;
    // A fact sent to this connection would arrive before the answer to its next command.
    unwrap(await command(leaving, 'mod:notices', {}));
    expect(seen).toEqual([]);
    leaving.disconnect();
  });

  it('applies word-list changes at once: masked, blocked, then allowed again', async () => {
    const person = await resident('Writer');
    const masked = unwrap(await command(mod1, 'mod:filter-add', { term: 'Grumpkin', action: 'mask' }));
    expect(masked.term).toBe('grumpkin');
    expect((await command(mod2, 'mod:filter-add', { term: 'grumpkin', action: 'hold' })).ok).toBe(false);
    expect((await ask(person, 'The grumpk1n council again')).text).toBe('The ******** council again');

    const other = await resident('Writer 2');
    const blocked = unwrap(await command(mod1, 'mod:filter-add', { term: 'zorblax', action: 'block' }));
    const refused = await command(other, 'qa:ask', { townHallId, text: 'zorblax is here' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'INVALID_PAYLOAD' } });
    unwrap(await command(mod1, 'mod:filter-remove', { id: blocked.id }));
    const third = await resident('Writer 3');
    expect((await command(third, 'qa:ask', { townHallId, text: 'zorblax is here' })).ok).toBe(true);
  });

  it('shows a claimed item as taken and refuses another moderator', async () => {
    const person = await resident();
    const q = await ask(person, 'this shit needs review');
    const seen = nextEvent(mod2, 'mod:queue-changed', (p) => p.item.ref.id === q.id && p.item.claim !== null);
    unwrap(await command(mod1, 'mod:claim', { ref: ref(q.id) }));
    expect((await seen).item.claim).toMatchObject({ byName: 'Mod One' });
    expect(await command(mod2, 'mod:claim', { ref: ref(q.id) })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    const decided = await command(mod2, 'mod:decide', { ref: ref(q.id), action: 'approve' });
    expect(decided).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    unwrap(await command(mod1, 'mod:decide', { ref: ref(q.id), action: 'approve' }));
  });

  it('records every action on a hash chain that verifies', async () => {
    const entries = await server.stores.audit.list(0, 10_000);
    expect(entries.length).toBeGreaterThan(5);
    expect(verifyChain(entries)).toEqual({ ok: true, entries: entries.length });
    const actions = new Set(entries.map((e) => e.action));
    for (const a of ['flag-hide', 'remove', 'appeal-restored', 'timeout', 'ban', 'lift', 'filter-add', 'filter-remove', 'approve']) {
      expect(actions, a).toContain(a);
    }
    const page = unwrap(await command(mod1, 'mod:audit', { afterSeq: 0, limit: 3 }));
    expect(page.map((e) => e.seq)).toEqual([1, 2, 3]);
    const { cookie } = await server.staff('moderator');
    const verified = await (await fetch(`${server.url}/api/moderation/audit/verify`, { headers: { cookie } })).json();
    expect(verified).toEqual({ ok: true, entries: entries.length, head: entries.at(-1)!.hash });
  });
});
