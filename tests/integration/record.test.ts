// The public record of an ended town hall, end to end: people ask, officers answer, moderators
// remove, a poll runs; then the event ends and anyone reads (and downloads) what happened.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, type Settings, type TownHallRecordView } from '../../shared/record.js';
import { DAY_MS } from '../../server/record/rules.js';
import { command, startTestServer, unwrap, type ClientSocket, type Session, type TestServer } from '../support/server.js';
import { parseCsv, shown } from '../support/csv.js';

describe.each(['sqlite', 'redis'] as const)('the town hall record on the %s store', (store) => {
  let server: TestServer;
  let townHallId: string;
  let officer: ClientSocket, moderator: ClientSocket, alice: ClientSocket, bob: ClientSocket;
  let adminSession: Session, officerSession: Session, aliceSession: Session, bobSession: Session;
  const ids: Record<string, string> = {};
  const REMOVED_TEXT = 'REMOVED-TEXT where the sergeant lives';
  const REJECTED_TEXT = 'REJECTED-TEXT buy cheap watches';
  const HELD_TEXT = 'HELD-TEXT the dirtycop again';

  const get = (path: string, session?: Session) => fetch(`${server.url}${path}`, { headers: session ? { cookie: session.cookie } : {} });
  const putSettings = (settings: unknown, session: Session, origin?: string) =>
    fetch(`${server.url}/api/admin/settings`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', cookie: session.cookie, ...(origin ? { origin } : {}) },
      body: JSON.stringify(settings),
    });
  const readRecord = async (): Promise<TownHallRecordView> => {
    const res = await get(`/api/townhalls/${townHallId}/record`);
    expect(res.status).toBe(200);
    return ((await res.json()) as { record: TownHallRecordView }).record;
  };
  const ask = async (s: ClientSocket, text: string, anonymous = false) => unwrap(await command(s, 'qa:ask', { townHallId, text, anonymous })).id;
  const join = async (s: ClientSocket) => (unwrap(await command(s, 'townhall:join', { townHallId })), s);
  // One question per person: asking is limited to one every 15 seconds.
  const guestAsks = async (name: string, text: string, anonymous = false) => ask(await join(await server.connect(await server.guest(name))), text, anonymous);

  beforeAll(async () => {
    server = await startTestServer({ store });
    [adminSession, officerSession, aliceSession] = await Promise.all([server.staff('admin'), server.staff('officer', 'Sgt. Kim'), server.guest('Alice Guest')]);
    const registered = await fetch(`${server.url}/api/session/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ displayName: 'Bob Member', username: `bob${Math.random().toString(36).slice(2, 8)}`, password: 'a long enough password' }),
    });
    bobSession = { cookie: registered.headers.getSetCookie()[0]!.split(';')[0]!, me: ((await registered.json()) as { me: Session['me'] }).me };
    townHallId = (await server.townHall({ hosts: [{ id: officerSession.me.id, displayName: 'Sgt. Kim' }] })).id;
    [officer, moderator, alice, bob] = (await Promise.all(
      [officerSession, server.staff('moderator'), aliceSession, bobSession].map(async (s) => join(await server.connect(await s))),
    )) as [ClientSocket, ClientSocket, ClientSocket, ClientSocket];

    ids.live = await ask(alice, 'Will the station open on Sundays?');
    ids.written = await guestAsks('Ann Guest', 'Why was my complaint never answered?', true);
    ids.open = await ask(bob, 'When will the streetlights on Elm be fixed?');
    ids.staff = await ask(officer, 'A question from the host, for the record');
    ids.removed = await guestAsks('Rae Guest', REMOVED_TEXT);
    ids.rejected = await guestAsks('Sid Guest', REJECTED_TEXT.replace('cheap', 'dirtycop cheap'));
    ids.held = await guestAsks('Hal Guest', HELD_TEXT);
    unwrap(await command(bob, 'qa:vote', { questionId: ids.open, voted: true }));
    unwrap(await command(officer, 'qa:set-answer-state', { questionId: ids.live, state: 'answering' }));
    unwrap(await command(officer, 'qa:set-answer-state', { questionId: ids.live, state: 'answered' }));
    unwrap(await command(officer, 'qa:answer', { questionId: ids.written, text: 'It was lost in a system move; we have answered it now.' }));
    unwrap(await command(moderator, 'mod:decide', { ref: { kind: 'question', id: ids.removed }, action: 'remove', reason: 'personal-information' }));
    unwrap(await command(moderator, 'mod:decide', { ref: { kind: 'question', id: ids.rejected }, action: 'reject', reason: 'spam' }));
    unwrap(await command(moderator, 'mod:set-slow-mode', { townHallId, seconds: 10 }));

    const pub = unwrap(await command(officer, 'poll:create', { townHallId, kind: 'single', question: 'Which park first?', options: ['North', 'South'] }));
    const hidden = unwrap(await command(officer, 'poll:create', { townHallId, kind: 'single', question: 'Staff-only pulse check', options: ['Yes', 'No'], visibility: 'staff' }));
    for (const poll of [pub, hidden]) {
      unwrap(await command(officer, 'poll:open', { pollId: poll.id }));
      unwrap(await command(alice, 'poll:vote', { pollId: poll.id, ballot: { kind: 'single', optionId: poll.options[0]!.id } }));
      unwrap(await command(bob, 'poll:vote', { pollId: poll.id, ballot: { kind: 'single', optionId: poll.options[0]!.id } }));
      unwrap(await command(officer, 'poll:close', { pollId: poll.id }));
    }
    ids.poll = pub.id;
    ids.hiddenPoll = hidden.id;

    await server.stores.chat.add({ townHallId, authorId: aliceSession.me.id, authorName: 'Alice Guest', authorRole: null, text: 'Hello all', status: 'published', holdReason: null, filterHits: [] });
    await server.stores.chat.add({ townHallId, authorId: bobSession.me.id, authorName: 'Bob Member', authorRole: null, text: 'CHAT-REMOVED insult', status: 'removed', holdReason: null, filterHits: [] });
    // A chat message a moderator removes: its decision counts in the totals, its text goes nowhere.
    const later = await server.stores.chat.add({ townHallId, authorId: bobSession.me.id, authorName: 'Bob Member', authorRole: null, text: 'CHAT-LATER-REMOVED slur', status: 'published', holdReason: null, filterHits: [] });
    unwrap(await command(moderator, 'mod:decide', { ref: { kind: 'chat', id: later.id }, action: 'remove', reason: 'hate' }));
    await server.stores.captions.add({ townHallId, authorId: officerSession.me.id, authorRole: 'officer', text: 'Good evening, everyone.' });
  });
  afterAll(() => server.close());

  it('refuses the record of a town hall that has not ended, and of one that does not exist', async () => {
    const early = await get(`/api/townhalls/${townHallId}/record`);
    expect(early.status).toBe(409);
    expect(await early.json()).toEqual({ error: { code: 'CONFLICT', message: 'The record is published once the town hall has ended.' } });
    expect((await get(`/api/townhalls/${townHallId}/record.csv`)).status).toBe(409);
    expect((await (await get('/api/townhalls/no-such-hall-00/record')).json()).error.code).toBe('NOT_FOUND');
    expect((await get('/api/townhalls/%20bad/record.json')).status).toBe(404);
  });

  it('publishes every question with its outcome and the figures, once the town hall has ended', async () => {
    await server.app.townHalls.end(townHallId, adminSession.me);
    const record = await readRecord();
    const q = record.questions!;
    expect(q.summary).toMatchObject({
      received: 7,
      answered: 2,
      answeredInWriting: 1,
      answeredLive: 1,
      notReached: 2,
      removed: 2,
      heldNeverReviewed: 1,
      answeredShare: 2 / 7,
    });
    const [first, second] = q.answered;
    expect(first).toMatchObject({ id: ids.live, answeredLive: true, answer: null, authorName: 'Alice Guest' });
    expect(second).toMatchObject({ id: ids.written, answeredLive: false, anonymous: true, authorName: null, answer: { byName: 'Sgt. Kim' } });
    for (const a of q.answered) expect(a.timeToAnswerMs).toBe(a.answeredAt! - a.askedAt);
    const times = q.answered.map((a) => a.timeToAnswerMs!).sort((x, y) => x - y);
    expect(q.summary.medianTimeToAnswerMs).toBe((times[0]! + times[1]!) / 2);
    expect(q.notReached.map((n) => [n.id, n.votes])).toEqual([[ids.open, 1], [ids.staff, 0]]);
    expect(q.removedByReason).toEqual([
      { reason: 'personal-information', count: 1 },
      { reason: 'spam', count: 1 },
    ]);
    expect(record.townHall).toMatchObject({ id: townHallId, hosts: ['Sgt. Kim'] });
    expect(record.townHall.endedAt).toEqual(expect.any(Number));
  });

  it('publishes closed public polls, chat without removed messages, captions and moderation totals', async () => {
    const record = await readRecord();
    expect(record.polls!.map((p) => p.id)).toEqual([ids.poll]);
    expect(record.polls![0]!.results).toMatchObject({ kind: 'single', ballots: 2 });
    expect(record.chat).toEqual([{ at: expect.any(Number), name: 'Alice Guest', authorRole: null, text: 'Hello all' }]);
    expect(record.captions).toEqual([{ at: expect.any(Number), name: null, authorRole: 'officer', text: 'Good evening, everyone.' }]);
    expect(record.moderation).toEqual([
      { action: 'reject', reason: 'spam', count: 1 },
      { action: 'remove', reason: 'hate', count: 1 },
      { action: 'remove', reason: 'personal-information', count: 1 },
      { action: 'slow-mode', reason: null, count: 1 },
    ]);
  });

  it('never lets removed, rejected or held text, or a removed chat line, or staff-only results out', async () => {
    const files = await Promise.all(['record', 'record.json', 'record.csv'].map(async (p) => (await get(`/api/townhalls/${townHallId}/${p}`)).text()));
    for (const body of files) {
      for (const secret of ['REMOVED-TEXT', 'REJECTED-TEXT', 'HELD-TEXT', 'CHAT-REMOVED', 'CHAT-LATER-REMOVED', 'Staff-only pulse check', ids.hiddenPoll!, ids.removed!, ids.held!]) {
        expect(body).not.toContain(secret);
      }
    }
  });

  it('exports CSV and JSON that parse back to the same numbers as the API', async () => {
    const record = await readRecord();
    const jsonRes = await get(`/api/townhalls/${townHallId}/record.json`);
    expect(jsonRes.headers.get('content-disposition')).toBe(`attachment; filename=roundtable-record-${townHallId}.json`);
    const fromJson = (await jsonRes.json()) as TownHallRecordView;
    expect({ ...fromJson, generatedAt: 0 }).toEqual({ ...record, generatedAt: 0 });

    const csvRes = await get(`/api/townhalls/${townHallId}/record.csv`);
    expect(csvRes.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(csvRes.headers.get('content-disposition')).toBe(`attachment; filename=roundtable-record-${townHallId}.csv`);
    const rows = parseCsv(await csvRes.text());
    const figure = (item: string) => Number(rows.find((r) => r.section === 'summary' && r.item === item)!.value);
    const s = record.questions!.summary;
    expect([figure('received'), figure('answered'), figure('not_reached'), figure('removed'), figure('held_never_reviewed')]).toEqual([
      s.received,
      s.answered,
      s.notReached,
      s.removed,
      s.heldNeverReviewed,
    ]);
    expect(figure('answered_share')).toBeCloseTo(s.answeredShare!, 10);
    expect(figure('median_seconds_to_answer')).toBe(Math.round(s.medianTimeToAnswerMs! / 1000));
    const questions = rows.filter((r) => r.section === 'question').map((r): Record<string, string> => ({ ...r, item: shown(r.item!) }));
    // The same questions with the same outcomes, in the API's order (questions asked or answered
    // within one millisecond have no other order than the one the API gives them).
    expect(new Set(questions.map((r) => `${r.item} ${r.outcome}`))).toEqual(
      new Set([`${ids.live} answered-live`, `${ids.written} answered-in-writing`, `${ids.open} not-reached`, `${ids.staff} not-reached`]),
    );
    expect(questions.map((r) => r.item)).toEqual([...record.questions!.answered, ...record.questions!.notReached].map((q) => q.id));
    expect(questions.find((r) => r.item === ids.written)!.author).toBe('Anonymous');
    expect(rows.filter((r) => r.section === 'removed').map((r) => [r.reason, Number(r.value)])).toEqual(
      record.questions!.removedByReason.map((r) => [r.reason, r.count]),
    );
    const poll = record.polls![0]!;
    const counts = rows.filter((r) => r.section === 'poll' && r.reason === 'option').map((r) => [r.answer, Number(r.value)]);
    expect(counts).toEqual(poll.options.map((o) => [o.label, poll.results.kind === 'single' ? poll.results.counts[o.id] : -1]));
    expect(rows.filter((r) => r.section === 'moderation').map((r) => [r.item, r.reason || null, Number(r.value)])).toEqual(
      record.moderation!.map((m) => [m.action, m.reason, m.count]),
    );
  });

  it('lets only admins read and change the settings, from an allowed origin, with valid values', async () => {
    expect((await get('/api/admin/settings')).status).toBe(401);
    expect((await get('/api/admin/settings', officerSession)).status).toBe(403);
    const res = await get('/api/admin/settings', adminSession);
    expect(await res.json()).toEqual({ settings: DEFAULT_SETTINGS });
    const changed: Settings = { ...DEFAULT_SETTINGS, guestNameRetentionDays: 7 };
    expect((await putSettings(changed, officerSession)).status).toBe(403);
    expect((await putSettings(changed, adminSession, 'https://evil.example')).status).toBe(403);
    const invalid = await putSettings({ ...changed, guestNameRetentionDays: -1 }, adminSession);
    expect(invalid.status).toBe(400);
    expect(((await invalid.json()) as { error: { fields: string[] } }).error.fields).toEqual(['guestNameRetentionDays']);
    expect((await putSettings({ ...changed, extra: true }, adminSession)).status).toBe(400);
    expect(await server.stores.settings.get()).toEqual(DEFAULT_SETTINGS);
    expect(await (await putSettings(changed, adminSession)).json()).toEqual({ settings: changed });
    expect(await server.stores.settings.get()).toEqual(changed);
  });

  it('leaves out each section the admin turns off', async () => {
    const publish = { questions: false, polls: false, chat: false, captions: true, moderation: false };
    expect((await putSettings({ ...DEFAULT_SETTINGS, publish }, adminSession)).status).toBe(200);
    const record = await readRecord();
    expect(record).toMatchObject({ questions: null, polls: null, chat: null, moderation: null });
    expect(record.captions).toHaveLength(1);
    const csv = await (await get(`/api/townhalls/${townHallId}/record.csv`)).text();
    expect(new Set(parseCsv(csv).map((r) => r.section))).toEqual(new Set(['town_hall', 'caption']));
    await putSettings(DEFAULT_SETTINGS, adminSession);
  });

  it("drops guests' names from storage and the record after the retention period, keeping accounts' and staff names", async () => {
    // The server's own service, so that the purge also drops the record it has cached.
    const records = server.app.records;
    const endedAt = (await server.app.townHalls.require(townHallId)).endedAt!;
    const nameOf = async (id: string) => (await server.stores.questions.getQuestion(id))!.authorName;
    // A guest and a member also wrote in the chat.
    const authorOf = async (id: string) => (await server.stores.questions.getQuestion(id))!.authorId;
    const chatBy = async (questionId: string, authorName: string) =>
      (
        await server.stores.chat.add({
          townHallId,
          authorId: await authorOf(questionId),
          authorName,
          authorRole: null,
          text: `Hello from ${authorName}`,
          status: 'published',
          holdReason: null,
          filterHits: [],
        })
      ).id;
    const guestChat = await chatBy(ids.live!, 'Alice Guest');
    const memberChat = await chatBy(ids.open!, 'Bob Member');

    expect(await records.purgeGuestNames(endedAt + 30 * DAY_MS - 1)).toEqual({ townHalls: 0, questions: 0, chatMessages: 0 });
    expect(await nameOf(ids.live!)).toBe('Alice Guest');
    const stillNamed = await records.record(townHallId, endedAt + 30 * DAY_MS - 1);
    expect(stillNamed.questions!.answered[0]).toMatchObject({ authorName: 'Alice Guest', nameDropped: false });
    // At read time the rule applies even before the purge has run.
    const pastRetention = await records.record(townHallId, endedAt + 30 * DAY_MS);
    expect(pastRetention.questions!.answered[0]).toMatchObject({ authorName: null, nameDropped: true });

    // Five guests asked (one anonymously, one held, one removed, one rejected): all lose their names.
    const purged = await records.purgeGuestNames(endedAt + 30 * DAY_MS);
    // The chat count also takes in the guest messages of the event itself (set up above).
    expect(purged).toMatchObject({ townHalls: 1, questions: 5 });
    expect(purged.chatMessages).toBeGreaterThanOrEqual(1);
    expect((await server.stores.chat.get(guestChat))!.authorName).toBe('Resident');
    expect((await server.stores.chat.get(memberChat))!.authorName).toBe('Bob Member');
    for (const id of [ids.live, ids.written, ids.removed, ids.rejected, ids.held]) expect(await nameOf(id!)).toBe('Resident');
    expect(await nameOf(ids.open!)).toBe('Bob Member');
    expect(await nameOf(ids.staff!)).toBe('Sgt. Kim');
    expect(await records.purgeGuestNames(endedAt + 60 * DAY_MS)).toEqual({ townHalls: 0, questions: 0, chatMessages: 0 });

    const record = await readRecord();
    expect(JSON.stringify(record.questions)).not.toMatch(/Alice Guest|Ann Guest/);
    expect(record.questions!.notReached.map((n) => n.authorName)).toEqual(['Bob Member', 'Sgt. Kim']);
  });
});
