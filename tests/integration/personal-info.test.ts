// Personal-information screening end to end: questions, chat, forum posts and word-cloud
// answers holding a phone number, an address, an e-mail or a plate with a name are held with
// the reason 'personal-information', their authors are told why, and the department's own
// allowed numbers and addresses go through.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, type Settings } from '../../shared/record.js';
import { command, nextEvent, startTestServer, unwrap, type ClientSocket, type Session, type TestServer } from '../support/server.js';

describe.each(['sqlite', 'redis'] as const)('personal-information screening on the %s store', (store) => {
  let server: TestServer;
  let townHallId: string;
  let categoryId: string;
  let moderator: ClientSocket, officer: ClientSocket;
  let adminSession: Session;

  const join = async (s: ClientSocket) => (unwrap(await command(s, 'townhall:join', { townHallId })), s);
  // A fresh guest for each write: asking and posting are rate-limited per person.
  const resident = async (name = 'Resident') => join(await server.connect(await server.guest(name)));
  const heldFor = (kind: string, text: string) =>
    nextEvent(moderator, 'mod:queue-changed', ({ item }) => item.ref.kind === kind && item.text === text).then(({ item }) => item);
  const putSettings = (settings: Settings) =>
    fetch(`${server.url}/api/admin/settings`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', cookie: adminSession.cookie },
      body: JSON.stringify(settings),
    });

  beforeAll(async () => {
    server = await startTestServer({ store });
    townHallId = (await server.townHall({ moderation: 'post' })).id;
    adminSession = await server.staff('admin');
    const admin = await server.connect(adminSession);
    categoryId = unwrap(await command(admin, 'forum:create-category', { name: 'Neighbourhood', description: 'Streets.' })).id;
    [moderator, officer] = await Promise.all([
      server.staff('moderator').then(server.connect).then(join),
      server.staff('officer').then(async (session) => {
        await server.stores.townHalls.edit(townHallId, { hosts: [{ id: session.me.id, displayName: session.me.displayName }] });
        return join(await server.connect(session));
      }),
    ]);
    unwrap(await command(moderator, 'mod:watch-queue', {}));
  });
  afterAll(() => server.close());

  it('holds a question with a phone number, tells its author why and keeps it from everyone else', async () => {
    const text = 'Call Officer Reyes at 555-201-3344, he never answers the station.';
    const queued = heldFor('question', text);
    const asked = unwrap(await command(await resident('Ana'), 'qa:ask', { townHallId, text }));
    expect(asked).toMatchObject({ status: 'held', holdReason: 'personal-information' });
    expect(await queued).toMatchObject({ status: 'held', holdReason: 'personal-information' });
    const others = unwrap(await command(await resident('Ben'), 'townhall:join', { townHallId })).qa;
    expect(JSON.stringify(others)).not.toContain('555-201-3344');
  });

  it('holds a chat message with a street address', async () => {
    const text = 'Why does the officer who stopped me live at 42 Oak Street, apartment 3?';
    const queued = heldFor('chat', text);
    const sent = unwrap(await command(await resident(), 'chat:send', { townHallId, text }));
    expect(sent).toMatchObject({ status: 'held', holdReason: 'personal-information' });
    expect((await queued).holdReason).toBe('personal-information');
  });

  it('holds a forum post with an e-mail address, and a new thread with a plate and a name', async () => {
    const first = unwrap(await command(officer, 'forum:create-thread', { categoryId, title: 'Parking on Calle Mayor', body: 'Tell us.' })).thread;
    const text = 'Send the complaint to jane.doe1987@gmail.com, she is the one making noise.';
    const queued = heldFor('post', text);
    const reply = unwrap(await command(await server.connect(await server.guest('Carla')), 'forum:reply', { threadId: first.id, body: text }));
    expect(reply).toMatchObject({ status: 'held', holdReason: 'personal-information', mine: true });
    expect((await queued).holdReason).toBe('personal-information');

    const opened = unwrap(
      await command(await server.connect(await server.guest('Dan')), 'forum:create-thread', {
        categoryId,
        title: 'Speeding van',
        body: 'El coche con matrícula 1234 BCD es de Juan Martínez y aparca en la acera.',
      }),
    );
    expect(opened.thread.status).toBe('held');
    expect(opened.post).toMatchObject({ status: 'held', holdReason: 'personal-information' });
  });

  it('holds a word-cloud answer with a phone number and tells its author why', async () => {
    const { id } = unwrap(await command(officer, 'poll:create', { townHallId, kind: 'wordcloud', question: 'One word for your street?' }));
    unwrap(await command(officer, 'poll:open', { pollId: id }));
    const queued = heldFor('answer', '612 345 678');
    const voted = unwrap(await command(await resident(), 'poll:vote', { pollId: id, ballot: { kind: 'wordcloud', text: '612 345 678' } }));
    expect(voted).toMatchObject({ held: true, holdReason: 'personal-information' });
    expect((await queued).holdReason).toBe('personal-information');
    const plain = unwrap(await command(await resident(), 'poll:vote', { pollId: id, ballot: { kind: 'wordcloud', text: 'Quiet' } }));
    expect(plain).toMatchObject({ held: false });
    expect(plain).not.toHaveProperty('holdReason');
  });

  it("lets the department's own number and address through once an admin allows them, and publishes the list", async () => {
    const text = 'Is 555-201-9000 at 100 Main Street still the non-emergency line?';
    expect(unwrap(await command(await resident(), 'qa:ask', { townHallId, text }))).toMatchObject({ holdReason: 'personal-information' });

    const allowed = ['+1 (555) 201-9000', '100 Main St.'];
    expect((await putSettings({ ...DEFAULT_SETTINGS, allowedPersonalInfo: allowed })).status).toBe(200);
    const listed = await fetch(`${server.url}/api/settings/allowed-personal-info`);
    expect(await listed.json()).toEqual({ allowed });

    expect(unwrap(await command(await resident(), 'qa:ask', { townHallId, text }))).toMatchObject({ status: 'published' });
    // Another number beside the allowed one is still held.
    const other = unwrap(await command(await resident(), 'chat:send', { townHallId, text: 'Call 555-201-9000 or my cell 555-201-7777' }));
    expect(other).toMatchObject({ status: 'held', holdReason: 'personal-information' });
    expect((await putSettings(DEFAULT_SETTINGS)).status).toBe(200);
    expect(unwrap(await command(await resident(), 'qa:ask', { townHallId, text }))).toMatchObject({ status: 'held' });
  });

  it('refuses an allow-list that is too long or has an empty entry, and changes nothing', async () => {
    for (const allowedPersonalInfo of [Array.from({ length: 51 }, (_, i) => `555-201-${1000 + i}`), ['  ']]) {
      const res = await putSettings({ ...DEFAULT_SETTINGS, allowedPersonalInfo });
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error: { code: 'INVALID_PAYLOAD', fields: [expect.stringMatching(/^allowedPersonalInfo/)] } });
    }
    expect((await server.stores.settings.get()).allowedPersonalInfo).toEqual([]);
  });
});
