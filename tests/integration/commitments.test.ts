// Commitments end to end on both stores: officers record them over HTTP, linked to published
// questions of their town hall and owned by a unit; dated updates move them as the rules allow;
// the public list filters them and flags the overdue ones; every bad input changes nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommitmentItem, CommitmentList } from '../../shared/commitments.js';
import type { CommitmentChange, Unit } from '../../shared/followups.js';
import type { Topic } from '../../shared/topics.js';
import { dayOf } from '../../server/commitments/rules.js';
import { command, startTestServer, unwrap, type Session, type TestServer } from '../support/server.js';

const DAY = 24 * 3600 * 1000;

describe.each(['sqlite', 'redis'] as const)('commitments on the %s store', (store) => {
  let server: TestServer;
  let clock = Date.now();
  let admin: Session;
  let host: Session;
  let patrolOfficer: Session;
  let otherOfficer: Session;
  let townHallId: string;
  let otherTownHallId: string;
  let patrol: Unit;
  let retired: Unit;
  let traffic: Topic;
  let published: { id: string };
  let held: { id: string };
  let elsewhere: { id: string };
  const changes: CommitmentChange[] = [];

  const send = async (method: 'POST' | 'PUT' | 'GET', path: string, body?: unknown, session?: Session, origin = server.url) => {
    const res = await fetch(`${server.url}/api${path}`, {
      method,
      headers: { 'content-type': 'application/json', origin, ...(session ? { cookie: session.cookie } : {}) },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const today = () => dayOf(clock);
  const inDays = (n: number) => dayOf(clock + n * DAY);
  const list = async (query = '') => (await send('GET', `/commitments${query}`)).body as unknown as CommitmentList;
  const record = async (body: Record<string, unknown>, session = host) => {
    const res = await send('POST', '/commitments', body, session);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.commitment as CommitmentItem;
  };
  const valid = () => ({ townHallId, questionIds: [published.id], text: 'Extra patrols on Elm Street, 7–9 am', unitId: patrol.id, dueDate: inDays(30) });
  /** Everything stored, to compare before and after a refused request. */
  const snapshot = async () => JSON.stringify(await server.stores.commitments.list());

  beforeAll(async () => {
    server = await startTestServer({ store, now: () => clock });
    admin = await server.staff('admin', 'Admin');
    host = await server.staff('officer', 'Sgt. Host');
    patrolOfficer = await server.staff('officer', 'Ofc. Patrol');
    otherOfficer = await server.staff('officer', 'Ofc. Other');
    townHallId = (await server.townHall({ hosts: [{ id: host.me.id, displayName: 'Sgt. Host' }] })).id;
    otherTownHallId = (await server.townHall({ title: 'Another town hall', hosts: [{ id: host.me.id, displayName: 'Sgt. Host' }] })).id;
    patrol = (await send('POST', '/admin/units', { en: 'Patrol', es: 'Patrulla' }, admin)).body.unit as Unit;
    retired = (await send('POST', '/admin/units', { en: 'Mounted' }, admin)).body.unit as Unit;
    expect((await send('PATCH' as 'POST', `/admin/units/${retired.id}`, { retired: true }, admin)).status).toBe(200);
    expect((await send('PUT', `/staff/${patrolOfficer.me.id}/unit`, { unitId: patrol.id }, admin)).status).toBe(200);
    traffic = (await send('POST', '/admin/topics', { en: 'Traffic', es: 'Tráfico' }, admin)).body.topic as Topic;

    // One resident per question: residents may ask only so fast.
    const ask = async (id: string, text: string, topicId?: string) => {
      const resident = await server.connect(await server.guest('Resident'));
      unwrap(await command(resident, 'townhall:join', { townHallId: id }));
      return unwrap(await command(resident, 'qa:ask', { townHallId: id, text, ...(topicId ? { topicId } : {}) }));
    };
    published = await ask(townHallId, 'Speeding on Elm Street every morning?', traffic.id);
    held = await ask(townHallId, 'What about the dirtycop on my street?');
    elsewhere = await ask(otherTownHallId, 'Street lights on Oak Avenue?');
    server.app.commitments.onChange((change) => changes.push(change));
  });
  afterAll(() => server.close());

  it('records a commitment linked to a published question, owned by a unit, and tells listeners', async () => {
    const c = await record(valid());
    expect(c).toMatchObject({
      townHallId,
      questionIds: [published.id],
      topicIds: [traffic.id],
      unitId: patrol.id,
      status: 'planned',
      createdByName: 'Sgt. Host',
      overdue: false,
      townHallTitle: 'Test town hall',
      questions: [{ id: published.id, text: 'Speeding on Elm Street every morning?' }],
      updates: [],
    });
    expect(c).not.toHaveProperty('createdById');
    expect(changes.at(-1)).toMatchObject({ update: 'created', commitment: { id: c.id } });
    expect((await send('GET', `/commitments/${c.id}`)).body.commitment).toEqual(c);
  });

  it('moves planned → in progress → done through dated updates, each told after it is stored', async () => {
    const c = await record(valid());
    const started = await send('POST', `/commitments/${c.id}/updates`, { status: 'in-progress', text: 'Patrols start Monday.' }, patrolOfficer);
    expect(started.status).toBe(201);
    clock += DAY;
    const note = await send('POST', `/commitments/${c.id}/updates`, { text: 'First week done.' }, host);
    expect(note.body.commitment).toMatchObject({ status: 'in-progress' });
    const done = await send('POST', `/commitments/${c.id}/updates`, { status: 'done', text: 'Six weeks completed.' }, admin);
    const item = done.body.commitment as CommitmentItem;
    expect(item).toMatchObject({ status: 'done', doneAt: clock });
    expect(item.updates.map((u) => [u.status, u.text, u.byName])).toEqual([
      ['in-progress', 'Patrols start Monday.', 'Ofc. Patrol'],
      [null, 'First week done.', 'Sgt. Host'],
      ['done', 'Six weeks completed.', 'Admin'],
    ]);
    expect(item.updates[1]!.at - item.updates[0]!.at).toBe(DAY);
    expect(changes.at(-1)).toMatchObject({ commitment: { id: c.id, status: 'done' }, update: { status: 'done' } });
  });

  it('keeps the reason of a dropped commitment', async () => {
    const c = await record(valid());
    const dropped = await send('POST', `/commitments/${c.id}/updates`, { status: 'dropped', text: 'The street is closed for works.' }, host);
    expect(dropped.body.commitment).toMatchObject({ status: 'dropped', dropReason: 'The street is closed for works.' });
  });

  it('flags a commitment overdue only once its due day has passed, and not once it is done', async () => {
    const c = await record({ ...valid(), dueDate: inDays(2) });
    const flag = async () => (await list()).commitments.find((x) => x.id === c.id)!.overdue;
    expect(await flag()).toBe(false);
    clock += 2 * DAY;
    expect(await flag()).toBe(false);
    clock += DAY;
    expect(await flag()).toBe(true);
    expect((await list()).today).toBe(today());
    await send('POST', `/commitments/${c.id}/updates`, { status: 'done', text: 'Late, but done.' }, host);
    expect(await flag()).toBe(false);
  });

  it('filters the public list by status, topic and town hall', async () => {
    const untopical = await record({ townHallId: otherTownHallId, text: 'Street light audit on Oak Avenue', unitId: patrol.id, dueDate: inDays(10) });
    const all = await list();
    expect(all.commitments.length).toBeGreaterThan(3);
    expect((await list('?status=done')).commitments.every((c) => c.status === 'done')).toBe(true);
    expect((await list('?status=done')).commitments.length).toBeGreaterThan(0);
    const byTopic = (await list(`?topic=${traffic.id}`)).commitments;
    expect(byTopic.map((c) => c.id)).not.toContain(untopical.id);
    expect(byTopic.length).toBe(all.commitments.length - 1);
    expect((await list(`?townHallId=${otherTownHallId}`)).commitments.map((c) => c.id)).toEqual([untopical.id]);
    expect((await list('?status=done&townHallId=' + otherTownHallId)).commitments).toEqual([]);
  });

  it('refuses bad input with a clear code, and stores nothing', async () => {
    const before = await snapshot();
    const heard = changes.length;
    const cases: [string, unknown, string][] = [
      ['a due date in the past', { ...valid(), dueDate: inDays(-1) }, 'INVALID_PAYLOAD'],
      ['a day that does not exist', { ...valid(), dueDate: '2099-02-30' }, 'INVALID_PAYLOAD'],
      ['a malformed due date', { ...valid(), dueDate: 'tomorrow' }, 'INVALID_PAYLOAD'],
      ['too short a text', { ...valid(), text: 'Do' }, 'INVALID_PAYLOAD'],
      ['an unknown field', { ...valid(), status: 'done' }, 'INVALID_PAYLOAD'],
      ['too many questions', { ...valid(), questionIds: Array.from({ length: 21 }, (_, i) => `question-${i}`) }, 'INVALID_PAYLOAD'],
      ['no unit', { ...valid(), unitId: undefined }, 'INVALID_PAYLOAD'],
      ['not JSON', '{"text":', 'INVALID_PAYLOAD'],
      ['an unknown unit', { ...valid(), unitId: 'no-such-unit' }, 'NOT_FOUND'],
      ['a retired unit', { ...valid(), unitId: retired.id }, 'NOT_FOUND'],
      ['an unknown town hall', { ...valid(), townHallId: 'no-such-townhall' }, 'NOT_FOUND'],
      ['an unknown question', { ...valid(), questionIds: ['no-such-question'] }, 'NOT_FOUND'],
      ['a held question', { ...valid(), questionIds: [held.id] }, 'NOT_FOUND'],
      ["another town hall's question", { ...valid(), questionIds: [elsewhere.id] }, 'NOT_FOUND'],
      ['questions without a town hall', { ...valid(), townHallId: null }, 'INVALID_PAYLOAD'],
    ];
    for (const [what, body, code] of cases) {
      const res = await send('POST', '/commitments', body, host);
      expect(res.body, what).toMatchObject({ error: { code } });
      expect(JSON.stringify(res.body), what).not.toMatch(/\.ts:\d+|stack/);
    }
    expect(await snapshot()).toBe(before);
    expect(changes.length).toBe(heard);
  });

  it('refuses status jumps the rules do not allow and bad updates, and changes nothing', async () => {
    const c = await record(valid());
    await send('POST', `/commitments/${c.id}/updates`, { status: 'in-progress', text: 'Started.' }, host);
    const done = await record(valid());
    await send('POST', `/commitments/${done.id}/updates`, { status: 'done', text: 'Done.' }, host);
    const before = await snapshot();
    const heard = changes.length;
    const cases: [string, string, unknown, string][] = [
      ['back to planned', c.id, { status: 'planned', text: 'Oops' }, 'CONFLICT'],
      ['to the same status', c.id, { status: 'in-progress', text: 'Again' }, 'CONFLICT'],
      ['out of done', done.id, { status: 'in-progress', text: 'Reopen' }, 'CONFLICT'],
      ['dropping a done one', done.id, { status: 'dropped', text: 'Never mind' }, 'CONFLICT'],
      ['dropping without a reason', c.id, { status: 'dropped', text: '' }, 'INVALID_PAYLOAD'],
      ['dropping with a blank reason', c.id, { status: 'dropped' }, 'INVALID_PAYLOAD'],
      ['an unknown status', c.id, { status: 'finished', text: 'Done' }, 'INVALID_PAYLOAD'],
      ['an unknown field', c.id, { text: 'Note', dueDate: '2099-01-01' }, 'INVALID_PAYLOAD'],
      ['too long a text', c.id, { text: 'x'.repeat(2001) }, 'INVALID_PAYLOAD'],
      ['an unknown commitment', 'no-such-commitment', { text: 'Note' }, 'NOT_FOUND'],
      ['a malformed id', 'bad id!', { text: 'Note' }, 'NOT_FOUND'],
    ];
    for (const [what, id, body, code] of cases) {
      const res = await send('POST', `/commitments/${encodeURIComponent(id)}/updates`, body, host);
      expect(res.body, what).toMatchObject({ error: { code } });
    }
    expect(await snapshot()).toBe(before);
    expect(changes.length).toBe(heard);
  });

  it('lets only officers and admins with a part in it write, and changes nothing for anyone else', async () => {
    const c = await record(valid());
    const before = await snapshot();
    const resident = await server.guest('Resident');
    const moderator = await server.staff('moderator');
    const captioner = await server.staff('captioner');
    for (const [who, session, status] of [
      ['nobody', undefined, 401],
      ['a resident', resident, 403],
      ['a moderator', moderator, 403],
      ['a captioner', captioner, 403],
    ] as const) {
      expect((await send('POST', '/commitments', valid(), session)).status, who).toBe(status);
      expect((await send('POST', `/commitments/${c.id}/updates`, { text: 'Note' }, session)).status, who).toBe(status);
    }
    // An officer who does not host this town hall may not record at it, nor update what is not theirs.
    expect((await send('POST', '/commitments', valid(), otherOfficer)).status).toBe(403);
    expect((await send('POST', `/commitments/${c.id}/updates`, { text: 'Note' }, otherOfficer)).status).toBe(403);
    // From another site's page, even a host is refused.
    expect((await send('POST', '/commitments', valid(), host, 'https://evil.example')).status).toBe(403);
    expect((await send('POST', `/commitments/${c.id}/updates`, { text: 'Note' }, host, 'https://evil.example')).status).toBe(403);
    expect(await snapshot()).toBe(before);
    // Outside any town hall, any officer may record one, and then update it as its recorder.
    const own = await record({ text: 'Quarterly traffic report online', unitId: patrol.id, dueDate: today() }, otherOfficer);
    expect(own.townHallId).toBeNull();
    expect((await send('POST', `/commitments/${own.id}/updates`, { text: 'Drafting.' }, otherOfficer)).status).toBe(201);
  });

  it('shows a linked question as no longer public once a moderator removes it', async () => {
    const c = await record(valid());
    const moderator = await server.connect(await server.staff('moderator'));
    unwrap(await command(moderator, 'townhall:join', { townHallId }));
    unwrap(await command(moderator, 'mod:decide', { ref: { kind: 'question', id: published.id }, action: 'remove', reason: 'off-topic' }));
    expect((await send('GET', `/commitments/${c.id}`)).body.commitment).toMatchObject({ questions: [{ id: published.id, text: null }] });
  });

  it('answers NOT_FOUND for an unknown commitment and INVALID_PAYLOAD for a bad filter', async () => {
    expect((await send('GET', '/commitments/no-such-commitment')).body).toMatchObject({ error: { code: 'NOT_FOUND' } });
    expect((await send('GET', '/commitments?status=finished')).body).toMatchObject({ error: { code: 'INVALID_PAYLOAD' } });
    expect((await send('GET', '/commitments?colour=red')).body).toMatchObject({ error: { code: 'INVALID_PAYLOAD' } });
  });

  // Last: it spends this network's read budget.
  it('refuses a network that reads the list past its budget, with the wait', async () => {
    let res: Response | null = null;
    for (let i = 0; i < 130; i++) {
      res = await fetch(`${server.url}/api/commitments`);
      if (res.status === 429) break;
    }
    expect(res!.status).toBe(429);
    expect(Number(res!.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await res!.json()).toMatchObject({ error: { code: 'RATE_LIMITED' } });
  });
});
