// The follow-up queue end to end on both stores: a town hall ends, the questions it did not
// reach enter the queue, officers work them over HTTP, and bad input changes nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FollowUpChange, FollowUpView, Unit } from '../../shared/followups.js';
import type { Settings } from '../../shared/record.js';
import { command, startTestServer, unwrap, type ClientSocket, type Session, type TestServer } from '../support/server.js';

const DAY = 24 * 3600_000;

describe.each(['sqlite', 'redis'] as const)('follow-ups on the %s store', (store) => {
  let server: TestServer;
  let clock = Date.now();
  let admin: Session;
  let host: Session;
  let officer: Session;
  let unitOfficer: Session;
  let moderator: Session;
  let resident: Session;
  let townHallId: string;
  let patrol: Unit;
  const ids: Record<'open' | 'anonymous' | 'answered' | 'held', string> = { open: '', anonymous: '', answered: '', held: '' };
  const changes: FollowUpChange[] = [];

  const call = async (method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown, session?: Session) => {
    const res = await fetch(`${server.url}/api${path}`, {
      method,
      headers: { 'content-type': 'application/json', origin: server.url, ...(session ? { cookie: session.cookie } : {}) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const act = (questionId: string, action: string, body: unknown, session: Session) => call('POST', `/followups/${questionId}/${action}`, body, session);
  const publicList = async () => (await call('GET', `/townhalls/${townHallId}/followups`)).body.followUps as FollowUpView[];
  const stored = (questionId: string) => server.stores.followUps.get(questionId);
  const join = async (session: Session): Promise<ClientSocket> => {
    const socket = await server.connect(session);
    unwrap(await command(socket, 'townhall:join', { townHallId }));
    return socket;
  };

  beforeAll(async () => {
    server = await startTestServer({ store, now: () => clock });
    server.app.followUps.onChange((change) => changes.push(change));
    admin = await server.staff('admin', 'Admin');
    host = await server.staff('officer', 'Sgt. Host');
    officer = await server.staff('officer', 'Ofc. Taker');
    unitOfficer = await server.staff('officer', 'Ofc. Patrol');
    moderator = await server.staff('moderator', 'Mod');
    resident = await server.guest('Resident');
    patrol = ((await call('POST', '/admin/units', { en: 'Patrol', es: 'Patrulla' }, admin)).body.unit as Unit);
    await call('PUT', `/staff/${unitOfficer.me.id}/unit`, { unitId: patrol.id }, admin);
    const settings = (await call('GET', '/admin/settings', undefined, admin)).body.settings as Settings;
    expect((await call('PUT', '/admin/settings', { ...settings, followUpDeadlineDays: 14 }, admin)).status).toBe(200);

    townHallId = (await server.townHall({ hosts: [{ id: host.me.id, displayName: 'Sgt. Host' }] })).id;
    const hostSocket = await join(host);
    // One asker each: a person may ask only so fast.
    const ask = async (name: string, text: string, anonymous = false) =>
      unwrap(await command(await join(await server.guest(name)), 'qa:ask', { townHallId, text, anonymous })).id;
    ids.open = await ask('Maria Q', 'When will the Elm Street lights be fixed?');
    ids.anonymous = await ask('Hidden Name', 'Who reviews complaints?', true);
    ids.answered = await ask('Sam', 'How do I report noise?');
    ids.held = await ask('Lee', 'What about the dirtycop on 5th?');
    unwrap(await command(hostSocket, 'qa:set-answer-state', { questionId: ids.answered, state: 'answered' }));

    const entered = new Promise<void>((resolve) => {
      const off = server.app.followUps.onChange(() => {
        if (changes.filter((c) => c.event.kind === 'entered').length === 2) (off(), resolve());
      });
    });
    unwrap(await command(hostSocket, 'townhall:end', { townHallId }));
    await entered;
  });
  afterAll(() => server.close());

  it('enters every published question the town hall did not answer, and nothing else', async () => {
    const list = await publicList();
    expect(list.map((f) => f.questionId).sort()).toEqual([ids.open, ids.anonymous].sort());
    const open = list.find((f) => f.questionId === ids.open)!;
    expect(open).toMatchObject({ townHallId, status: 'open', questionText: 'When will the Elm Street lights be fixed?', unitId: null, overdue: false });
    expect(open.dueAt).toBe(open.enteredAt + 14 * DAY);
    expect(open.history).toEqual([{ at: open.enteredAt, kind: 'entered', byName: null }]);
    // The public never learns the assignee, nor an asker's name.
    expect(open).not.toHaveProperty('assigneeId');
    expect(JSON.stringify(list)).not.toContain('Maria Q');
    expect(JSON.stringify(list)).not.toContain('Hidden Name');
    expect(await stored(ids.answered)).toBeNull();
    expect(await stored(ids.held)).toBeNull();
  });

  it('never duplicates a follow-up when the town hall is entered again or the server catches up', async () => {
    expect(await server.app.followUps.enterTownHall(townHallId)).toEqual([]);
    await server.app.followUps.catchUp();
    expect((await server.stores.followUps.listForTownHall(townHallId)).length).toBe(2);
    expect(await command(await join(host), 'townhall:end', { townHallId })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
  });

  it('refuses anyone who may not act, and malformed or impossible input, and changes nothing', async () => {
    const before = await stored(ids.open);
    expect((await act(ids.open, 'answer', { text: 'Soon.' }, undefined as unknown as Session)).status).toBe(401);
    for (const session of [resident, moderator]) {
      expect((await act(ids.open, 'answer', { text: 'Soon.' }, session)).body).toMatchObject({ error: { code: 'FORBIDDEN' } });
      expect((await act(ids.open, 'take', {}, session)).body).toMatchObject({ error: { code: 'FORBIDDEN' } });
      expect((await call('GET', '/followups?scope=all', undefined, session)).body).toMatchObject({ error: { code: 'FORBIDDEN' } });
    }
    // An officer who is not its assignee, of its unit or a host of its town hall.
    expect((await act(ids.open, 'answer', { text: 'Soon.' }, officer)).body).toMatchObject({ error: { code: 'FORBIDDEN' } });
    expect((await act(ids.open, 'assign', { unitId: patrol.id }, officer)).body).toMatchObject({ error: { code: 'FORBIDDEN' } });
    expect((await act(ids.open, 'assign', { unitId: 'no-such-unit-000' }, host)).body).toMatchObject({ error: { code: 'NOT_FOUND' } });
    expect((await act(ids.open, 'assign', { assigneeId: moderator.me.id }, host)).body).toMatchObject({
      error: { code: 'INVALID_PAYLOAD', fields: ['assigneeId'] },
    });
    expect((await act(ids.open, 'assign', {}, host)).body).toMatchObject({ error: { code: 'INVALID_PAYLOAD' } });
    expect((await act(ids.open, 'close', { reason: 'outside-remit' }, host)).body).toMatchObject({ error: { code: 'INVALID_PAYLOAD', fields: ['detail'] } });
    expect((await act(ids.open, 'close', { reason: 'no-reason' }, host)).body).toMatchObject({ error: { code: 'INVALID_PAYLOAD' } });
    expect((await act(ids.open, 'answer', { text: '   ' }, host)).body).toMatchObject({ error: { code: 'INVALID_PAYLOAD' } });
    expect((await act(ids.open, 'refer', { to: 'Parks' }, host)).body).toMatchObject({ error: { code: 'INVALID_PAYLOAD' } });
    expect((await act('no-such-question', 'answer', { text: 'Soon.' }, host)).body).toMatchObject({ error: { code: 'NOT_FOUND' } });
    expect((await call('GET', '/followups?scope=everything', undefined, officer)).body).toMatchObject({ error: { code: 'INVALID_PAYLOAD' } });
    expect(await stored(ids.open)).toEqual(before);
  });

  it('lets an officer take an unassigned follow-up and answer it, a day later by the clock, once', async () => {
    const unassigned = (await call('GET', '/followups?scope=unassigned&status=open', undefined, officer)).body.followUps as FollowUpView[];
    expect(unassigned.map((f) => f.questionId)).toContain(ids.open);
    const taken = (await act(ids.open, 'take', {}, officer)).body.followUp as FollowUpView;
    expect(taken).toMatchObject({ assigneeId: officer.me.id, assigneeName: 'Ofc. Taker' });
    expect((await act(ids.open, 'take', {}, unitOfficer)).body).toMatchObject({ error: { code: 'CONFLICT' } });
    const mine = (await call('GET', '/followups?scope=mine', undefined, officer)).body.followUps as FollowUpView[];
    expect(mine.map((f) => f.questionId)).toEqual([ids.open]);

    clock += DAY;
    const answered = (await act(ids.open, 'answer', { text: 'The city replaces them on 12 May.' }, officer)).body.followUp as FollowUpView;
    expect(answered).toMatchObject({ status: 'answered', resolvedAt: clock, answer: { text: 'The city replaces them on 12 May.', byName: 'Ofc. Taker', at: clock } });
    expect(answered.history.map((e) => [e.kind, e.byName])).toEqual([
      ['entered', null],
      ['assigned', 'Ofc. Taker'],
      ['answered', 'Ofc. Taker'],
    ]);
    expect(changes.at(-1)).toMatchObject({ followUp: { questionId: ids.open, status: 'answered' }, event: { kind: 'answered', at: clock } });
    expect(changes.at(-1)!.followUp).not.toHaveProperty('assigneeId');

    const after = await stored(ids.open);
    for (const [action, body] of [
      ['answer', { text: 'Again.' }],
      ['close', { reason: 'duplicate' }],
      ['refer', { to: 'Public Works', note: 'Theirs.' }],
      ['assign', { unitId: patrol.id }],
    ] as const) {
      expect((await act(ids.open, action, body, admin)).body).toMatchObject({ error: { code: 'CONFLICT' } });
    }
    expect(await stored(ids.open)).toEqual(after);
  });

  it('lets a host assign to a unit, and an officer of that unit refer it, in public', async () => {
    expect((await act(ids.anonymous, 'assign', { unitId: patrol.id }, host)).status).toBe(200);
    const unitList = (await call('GET', '/followups?scope=unit&status=open', undefined, unitOfficer)).body.followUps as FollowUpView[];
    expect(unitList.map((f) => f.questionId)).toEqual([ids.anonymous]);
    expect((await call('GET', '/followups?scope=unit', undefined, officer)).body.followUps).toEqual([]);
    const referred = (await act(ids.anonymous, 'refer', { to: 'Office of Police Accountability', note: 'They review every complaint.' }, unitOfficer)).body
      .followUp as FollowUpView;
    expect(referred).toMatchObject({ status: 'referred', unitId: patrol.id, referral: { to: 'Office of Police Accountability', byName: 'Ofc. Patrol' } });
    const shown = (await publicList()).find((f) => f.questionId === ids.anonymous)!;
    expect(shown.history.map((e) => e.kind)).toEqual(['entered', 'assigned', 'referred']);
    expect(shown.history[1]).toMatchObject({ byName: 'Sgt. Host', unitId: patrol.id });
  });
});

describe('the follow-up deadline', () => {
  it('shows an open follow-up as overdue once the clock passes its due time, and not once it is closed', async () => {
    let clock = Date.now();
    const server = await startTestServer({ now: () => clock });
    try {
      const admin = await server.staff('admin', 'Admin');
      const headers = { 'content-type': 'application/json', origin: server.url, cookie: admin.cookie };
      const settings = ((await (await fetch(`${server.url}/api/admin/settings`, { headers })).json()) as { settings: Settings }).settings;
      await fetch(`${server.url}/api/admin/settings`, { method: 'PUT', headers, body: JSON.stringify({ ...settings, followUpDeadlineDays: 1 }) });
      const { id } = await server.townHall({ hosts: [{ id: admin.me.id, displayName: 'Admin' }] });
      const socket = await server.connect(await server.guest('Asker'));
      unwrap(await command(socket, 'townhall:join', { townHallId: id }));
      const q = unwrap(await command(socket, 'qa:ask', { townHallId: id, text: 'Is the park patrolled at night?' }));
      await server.app.townHalls.end(id, { id: admin.me.id, role: 'admin', displayName: 'Admin' });
      await server.app.followUps.enterTownHall(id);
      const read = async () =>
        ((await (await fetch(`${server.url}/api/townhalls/${id}/followups`)).json()) as { followUps: FollowUpView[] }).followUps[0]!;
      expect((await read()).overdue).toBe(false);
      clock += DAY + 1;
      expect(await read()).toMatchObject({ status: 'open', overdue: true });
      const closed = await fetch(`${server.url}/api/followups/${q.id}/close`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ reason: 'personal-matter', detail: 'Call the non-emergency line, 555-0100.' }),
      });
      expect(closed.status).toBe(200);
      expect(await read()).toMatchObject({ status: 'closed', overdue: false, closure: { reason: 'personal-matter', detail: 'Call the non-emergency line, 555-0100.' } });
    } finally {
      await server.close();
    }
  });
});
