import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Session } from '../support/server.js';
import { command, nextEvent, startTestServer, unwrap, type ClientSocket, type TestServer } from '../support/server.js';

// The host's "next question" (qa:advance) and the presenter screen's read (townhall:present).
describe.each(['sqlite', 'redis'] as const)('moving to the next question on the %s store', (store) => {
  let server: TestServer;
  let hostSession: Session;

  beforeAll(async () => {
    server = await startTestServer({ store });
    hostSession = await server.staff('officer', 'Sgt. Host');
  });
  afterAll(() => server.close());

  const joined = async (session: Session, townHallId: string): Promise<ClientSocket> => {
    const socket = await server.connect(session);
    unwrap(await command(socket, 'townhall:join', { townHallId }));
    return socket;
  };

  /** A town hall hosted by Sgt. Host with questions asked by different residents, and their votes. */
  async function room(asked: { text: string; votes: number }[], status: 'live' | 'scheduled' = 'live') {
    const { id: townHallId } = await server.townHall({ status, hosts: [{ id: hostSession.me.id, displayName: 'Sgt. Host' }] });
    const host = await joined(hostSession, townHallId);
    const voters = await Promise.all([1, 2, 3].map(async (n) => joined(await server.guest(`Voter ${n}`), townHallId)));
    const ids: string[] = [];
    for (const [i, { text, votes }] of asked.entries()) {
      const asker = await joined(await server.guest(`Asker ${i + 1}`), townHallId);
      const q = unwrap(await command(asker, 'qa:ask', { townHallId, text }));
      for (const voter of voters.slice(0, votes)) unwrap(await command(voter, 'qa:vote', { questionId: q.id, voted: true }));
      ids.push(q.id);
    }
    return { townHallId, host, resident: voters[0]!, ids };
  }

  const states = async (ids: string[]) =>
    Promise.all(ids.map(async (id) => (await server.stores.questions.getQuestion(id))!.answerState));

  it('answers the question being answered and takes the top-ranked open one next, in ranking order', async () => {
    const r = await room([
      { text: 'When does the skate park reopen?', votes: 1 },
      { text: 'Why are patrols fewer on Main Street?', votes: 3 },
      { text: 'Who do I call about a broken streetlight?', votes: 3 },
    ]);
    const [low, first, second] = r.ids as [string, string, string];

    // Most votes first; of two with the same votes, the one waiting longer.
    const residentSees = nextEvent(r.resident, 'qa:question-changed', (p) => p.question.id === first && p.question.answerState === 'answering');
    const one = unwrap(await command(r.host, 'qa:advance', { townHallId: r.townHallId }));
    expect(one.answered).toBeNull();
    expect(one.answering).toMatchObject({ id: first, answerState: 'answering' });
    await residentSees;

    const two = unwrap(await command(r.host, 'qa:advance', { townHallId: r.townHallId, current: first }));
    expect([two.answered?.id, two.answering?.id]).toEqual([first, second]);
    const three = unwrap(await command(r.host, 'qa:advance', { townHallId: r.townHallId }));
    expect([three.answered?.id, three.answering?.id]).toEqual([second, low]);
    expect(await states(r.ids)).toEqual(['answering', 'answered', 'answered']);

    // The last one is answered and nothing is left to take.
    const four = unwrap(await command(r.host, 'qa:advance', { townHallId: r.townHallId, current: low }));
    expect([four.answered?.id, four.answering]).toEqual([low, null]);
    expect(await states(r.ids)).toEqual(['answered', 'answered', 'answered']);
    expect(await command(r.host, 'qa:advance', { townHallId: r.townHallId })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND', message: 'No question is waiting to be answered.' },
    });
  });

  it('refuses a press made on a screen that was behind, and changes nothing', async () => {
    const r = await room([
      { text: 'Is the community meeting recorded?', votes: 2 },
      { text: 'Can we have a crossing guard on Elm?', votes: 1 },
    ]);
    unwrap(await command(r.host, 'qa:advance', { townHallId: r.townHallId }));
    // A second host's screen still showed nothing being answered.
    const stale = await command(r.host, 'qa:advance', { townHallId: r.townHallId, current: null });
    expect(stale).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    expect(await states(r.ids)).toEqual(['answering', 'open']);
  });

  it('leaves held questions out of the line', async () => {
    const r = await room([{ text: 'Are there more officers at the school crossing?', votes: 0 }]);
    unwrap(await command(r.host, 'qa:set-moderation', { townHallId: r.townHallId, moderation: 'pre' }));
    const asker = await joined(await server.guest('Late asker'), r.townHallId);
    const held = unwrap(await command(asker, 'qa:ask', { townHallId: r.townHallId, text: 'Is this one held for review?' }));
    expect(held.status).toBe('held');
    const one = unwrap(await command(r.host, 'qa:advance', { townHallId: r.townHallId }));
    expect(one.answering?.id).toBe(r.ids[0]);
    const two = unwrap(await command(r.host, 'qa:advance', { townHallId: r.townHallId }));
    expect(two.answering).toBeNull();
    expect((await server.stores.questions.getQuestion(held.id))!.answerState).toBe('open');
  });

  it('is for the town hall hosts and admins only, and others change nothing', async () => {
    const r = await room([{ text: 'What happened to the neighbourhood watch?', votes: 1 }]);
    const others = await Promise.all([
      joined(await server.staff('officer', 'Sgt. Other'), r.townHallId),
      joined(await server.staff('moderator'), r.townHallId),
      joined(await server.staff('captioner'), r.townHallId),
    ]);
    expect(await command(others[0]!, 'qa:advance', { townHallId: r.townHallId })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN', message: "Only this town hall's hosts can move to the next question." },
    });
    for (const socket of [r.resident, others[1]!, others[2]!]) {
      expect(await command(socket, 'qa:advance', { townHallId: r.townHallId })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    }
    // A host who has not joined the room on this connection is refused too.
    const unjoined = await server.connect(hostSession);
    expect(await command(unjoined, 'qa:advance', { townHallId: r.townHallId })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN', message: 'Join the town hall first.' },
    });
    expect(await states(r.ids)).toEqual(['open']);

    const admin = await joined(await server.staff('admin'), r.townHallId);
    expect(unwrap(await command(admin, 'qa:advance', { townHallId: r.townHallId })).answering?.id).toBe(r.ids[0]);
  });

  it('refuses a town hall that is not live, before it starts and after it ends, and changes nothing', async () => {
    const r = await room([{ text: 'Will the meeting start on time?', votes: 1 }], 'scheduled');
    const notLive = { ok: false, error: { code: 'CONFLICT', message: 'This town hall is not live.' } };
    expect(await command(r.host, 'qa:advance', { townHallId: r.townHallId })).toMatchObject(notLive);
    unwrap(await command(r.host, 'townhall:start', { townHallId: r.townHallId }));
    unwrap(await command(r.host, 'townhall:end', { townHallId: r.townHallId }));
    expect(await command(r.host, 'qa:advance', { townHallId: r.townHallId })).toMatchObject(notLive);
    expect(await states(r.ids)).toEqual(['open']);
  });

  it('refuses a malformed payload', async () => {
    const r = await room([]);
    for (const payload of [{}, { townHallId: r.townHallId, current: 5 }, { townHallId: r.townHallId, extra: true }]) {
      expect(await command(r.host, 'qa:advance', payload as never)).toMatchObject({ ok: false, error: { code: 'INVALID_PAYLOAD' } });
    }
  });

  it('gives the presenter screen the hall code of a live town hall, to its hosts only', async () => {
    const r = await room([]);
    const shown = unwrap(await command(r.host, 'townhall:present', { townHallId: r.townHallId }));
    expect(shown.hallCode.code).toMatch(/^[A-Z2-9]{6}$/);
    expect(shown.hallCode.expiresAt).toBeGreaterThan(Date.now());

    const other = await joined(await server.staff('officer', 'Sgt. Elsewhere'), r.townHallId);
    expect(await command(other, 'townhall:present', { townHallId: r.townHallId })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await command(r.resident, 'townhall:present', { townHallId: r.townHallId })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });

    const later = await room([], 'scheduled');
    const notLive = { ok: false, error: { code: 'CONFLICT', message: 'The presenter screen shows a live town hall only.' } };
    expect(await command(later.host, 'townhall:present', { townHallId: later.townHallId })).toMatchObject(notLive);
    unwrap(await command(r.host, 'townhall:end', { townHallId: r.townHallId }));
    expect(await command(r.host, 'townhall:present', { townHallId: r.townHallId })).toMatchObject(notLive);
    expect((await server.app.townHalls.require(later.townHallId)).status).toBe('scheduled');
  });
});
