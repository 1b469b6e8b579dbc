// Topics end to end on both stores: admins keep the list over HTTP, residents pick one when they
// ask, hosts and moderators refile, and the public record and its exports carry it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TownHallRecordView } from '../../shared/record.js';
import type { Topic } from '../../shared/topics.js';
import { parseCsv } from '../support/csv.js';
import { command, nextEvent, startTestServer, unwrap, type ClientSocket, type Session, type TestServer } from '../support/server.js';

describe.each(['sqlite', 'redis'] as const)('topics on the %s store', (store) => {
  let server: TestServer;
  let admin: Session;
  let host: Session;
  let townHallId: string;
  let traffic: Topic;
  let youth: Topic;

  const send = (method: 'POST' | 'PATCH', path: string, body: unknown, session?: Session, origin = server.url) =>
    fetch(`${server.url}/api${path}`, {
      method,
      headers: { 'content-type': 'application/json', origin, ...(session ? { cookie: session.cookie } : {}) },
      body: JSON.stringify(body),
    });
  const addTopic = async (en: string, es?: string) => {
    const res = await send('POST', '/admin/topics', { en, ...(es ? { es } : {}) }, admin);
    expect(res.status).toBe(201);
    return ((await res.json()) as { topic: Topic }).topic;
  };
  const join = async (socket: ClientSocket, id = townHallId) => (unwrap(await command(socket, 'townhall:join', { townHallId: id })), socket);
  const resident = async (name = 'Resident') => join(await server.connect(await server.guest(name)));

  beforeAll(async () => {
    server = await startTestServer({ store });
    admin = await server.staff('admin', 'Admin');
    host = await server.staff('officer', 'Sgt. Host');
    townHallId = (await server.townHall({ hosts: [{ id: host.me.id, displayName: 'Sgt. Host' }] })).id;
    traffic = await addTopic('Traffic', 'Tráfico');
    youth = await addTopic('Youth');
  });
  afterAll(() => server.close());

  it('lets admins keep the list, and everyone read it', async () => {
    expect(youth.name).toEqual({ en: 'Youth', es: 'Youth' });
    const res = await fetch(`${server.url}/api/topics`);
    expect(((await res.json()) as { topics: Topic[] }).topics.map((t) => t.name.en)).toEqual(['Traffic', 'Youth']);
    const renamed = await send('PATCH', `/admin/topics/${youth.id}`, { es: 'Jóvenes' }, admin);
    expect(((await renamed.json()) as { topic: Topic }).topic).toEqual({ ...youth, name: { en: 'Youth', es: 'Jóvenes' } });
    youth = { ...youth, name: { en: 'Youth', es: 'Jóvenes' } };
  });

  it('refuses topic changes from anyone but an admin, from another origin, or malformed, and changes nothing', async () => {
    const officer = await server.staff('officer');
    expect((await send('POST', '/admin/topics', { en: 'Parking' })).status).toBe(401);
    expect((await send('POST', '/admin/topics', { en: 'Parking' }, officer)).status).toBe(403);
    expect((await send('POST', '/admin/topics', { en: 'Parking' }, admin, 'https://evil.example')).status).toBe(403);
    expect(await (await send('POST', '/admin/topics', { en: 'P' }, admin)).json()).toMatchObject({ error: { code: 'INVALID_PAYLOAD' } });
    expect(await (await send('PATCH', '/admin/topics/no-such-topic', { en: 'Parking' }, admin)).json()).toMatchObject({
      error: { code: 'NOT_FOUND' },
    });
    expect((await server.stores.topics.list()).map((t) => t.name.en)).toEqual(['Traffic', 'Youth']);
  });

  it('gives the list with the join, and files a question under the topic its asker picked', async () => {
    const socket = await server.connect(await server.guest('Asker'));
    const joined = unwrap(await command(socket, 'townhall:join', { townHallId }));
    expect(joined.qa.topics.map((t) => t.id)).toEqual([traffic.id, youth.id]);
    const q = unwrap(await command(socket, 'qa:ask', { townHallId, text: 'Speeding on Elm Street at night?', topicId: traffic.id }));
    expect(q.topicId).toBe(traffic.id);
    expect((await server.stores.questions.getQuestion(q.id))?.topicId).toBe(traffic.id);
  });

  it('refuses a question with a topic that does not exist or is retired, and stores nothing', async () => {
    const retired = await addTopic('Old topic');
    expect((await send('PATCH', `/admin/topics/${retired.id}`, { retired: true }, admin)).status).toBe(200);
    const before = (await server.stores.questions.listVisible(townHallId)).length;
    for (const topicId of ['no-such-topic', retired.id]) {
      const socket = await resident('Asker');
      expect(await command(socket, 'qa:ask', { townHallId, text: 'Is this filed?', topicId })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    }
    expect((await server.stores.questions.listVisible(townHallId)).length).toBe(before);
  });

  it('lets the host and moderators refile a question, and everyone sees it', async () => {
    const asker = await resident('Asker');
    const watcher = await resident('Watcher');
    const q = unwrap(await command(asker, 'qa:ask', { townHallId, text: 'Any summer camps for teens?' }));
    expect(q.topicId).toBeNull();
    const hostSocket = await join(await server.connect(host));
    const seen = nextEvent(watcher, 'qa:question-changed', (p) => p.question.id === q.id && p.question.topicId === youth.id);
    expect(unwrap(await command(hostSocket, 'qa:set-topic', { questionId: q.id, topicId: youth.id })).topicId).toBe(youth.id);
    await seen;
    const moderator = await join(await server.connect(await server.staff('moderator')));
    expect(unwrap(await command(moderator, 'qa:set-topic', { questionId: q.id, topicId: traffic.id })).topicId).toBe(traffic.id);
    expect(unwrap(await command(moderator, 'qa:set-topic', { questionId: q.id, topicId: null })).topicId).toBeNull();
    expect((await server.stores.questions.getQuestion(q.id))?.topicId).toBeNull();
  });

  it('refuses refiling by residents, officers who do not host, unjoined staff, or to a topic that does not exist', async () => {
    const q = unwrap(await command(await resident('Asker'), 'qa:ask', { townHallId, text: 'Bike lanes on Main?', topicId: traffic.id }));
    const attempts: [ClientSocket, string | null, string][] = [
      [await resident('Mallory'), youth.id, 'FORBIDDEN'],
      [await join(await server.connect(await server.staff('officer', 'Sgt. Other'))), youth.id, 'FORBIDDEN'],
      [await server.connect(await server.staff('moderator')), youth.id, 'FORBIDDEN'],
      [await join(await server.connect(host)), 'no-such-topic', 'NOT_FOUND'],
      [await join(await server.connect(host)), 'bad topic!', 'INVALID_PAYLOAD'],
    ];
    for (const [socket, topicId, code] of attempts) {
      expect(await command(socket, 'qa:set-topic', { questionId: q.id, topicId: topicId as string })).toMatchObject({ ok: false, error: { code } });
    }
    expect((await server.stores.questions.getQuestion(q.id))?.topicId).toBe(traffic.id);
  });

  it('carries the topic into the public record and both exports', async () => {
    const ended = (await server.townHall()).id;
    const q = unwrap(await command(await resident('Asker').then((s) => join(s, ended)), 'qa:ask', { townHallId: ended, text: 'Crossing guards on 5th?', topicId: traffic.id }));
    await server.app.townHalls.end(ended, admin.me);
    const record = ((await (await fetch(`${server.url}/api/townhalls/${ended}/record`)).json()) as { record: TownHallRecordView }).record;
    expect(record.questions?.notReached.find((n) => n.id === q.id)?.topic).toEqual({ id: traffic.id, name: { en: 'Traffic', es: 'Tráfico' } });
    const json = (await (await fetch(`${server.url}/api/townhalls/${ended}/record.json`)).json()) as TownHallRecordView;
    expect(json.questions?.notReached[0]?.topic?.id).toBe(traffic.id);
    const rows = parseCsv(await (await fetch(`${server.url}/api/townhalls/${ended}/record.csv`)).text());
    expect(rows.find((r) => r.item === q.id)).toMatchObject({ section: 'question', topic: 'Traffic', topic_es: 'Tráfico' });
  });
});
