// One person, one voice: what staff write carries their role, live and in the permanent record,
// so a guest who takes an officer's name never reads as the officer.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { TownHallRecordView } from '../../shared/record.js';
import { parseCsv } from '../support/csv.js';
import { command, nextEvent, startTestServer, unwrap, type ClientSocket, type Session, type TestServer } from '../support/server.js';

describe.each(['sqlite', 'redis'] as const)('the staff marker on the %s store', (store) => {
  let server: TestServer;
  // A fresh officer for every test: asking is limited to one question per 15 s per person.
  let officerSession: Session;

  beforeAll(async () => {
    server = await startTestServer({ store });
  });
  beforeEach(async () => {
    officerSession = await server.staff('officer', 'Officer Diaz');
  });
  afterAll(() => server.close());

  const enter = async (session: Session, townHallId: string): Promise<ClientSocket> => {
    const socket = await server.connect(session);
    unwrap(await command(socket, 'townhall:join', { townHallId }));
    return socket;
  };
  const hostedRoom = async () =>
    (await server.townHall({ hosts: [{ id: officerSession.me.id, displayName: 'Officer Diaz' }] })).id;

  it("marks a staff member's question as staff on every screen, also when asked anonymously, and never a guest's", async () => {
    const townHallId = await hostedRoom();
    const [officer, ana, ben] = await Promise.all([
      enter(officerSession, townHallId),
      server.guest('Ana').then((s) => enter(s, townHallId)),
      server.guest('Ben').then((s) => enter(s, townHallId)),
    ]);
    const benSees = nextEvent(ben, 'qa:question-changed', (p) => p.question.text === 'Who staffs the front desk at night?');
    const asked = unwrap(await command(officer, 'qa:ask', { townHallId, text: 'Who staffs the front desk at night?', anonymous: true }));
    expect(asked).toMatchObject({ authorRole: 'officer', authorName: null });
    expect((await benSees).question).toMatchObject({ authorRole: 'officer', authorName: null, anonymous: true });
    expect((await benSees).question).not.toHaveProperty('authorHandle');

    const guest = unwrap(await command(ana, 'qa:ask', { townHallId, text: 'Is the library lot patrolled?' }));
    expect(guest).toMatchObject({ authorRole: null, authorName: 'Ana' });
    const late = unwrap(await command(ben, 'townhall:join', { townHallId }));
    expect(late.qa.questions.map((q) => [q.text, q.authorRole])).toEqual(
      expect.arrayContaining([
        ['Who staffs the front desk at night?', 'officer'],
        ['Is the library lot patrolled?', null],
      ]),
    );
  });

  it('marks a caption line with the role of whoever typed it', async () => {
    const townHallId = await hostedRoom();
    const [officer, viewer] = await Promise.all([enter(officerSession, townHallId), server.guest('Viewer').then((s) => enter(s, townHallId))]);
    const heard = nextEvent(viewer, 'captions:line-added');
    unwrap(await command(officer, 'captions:send', { townHallId, text: 'Welcome, everyone.' }));
    expect((await heard).line).toMatchObject({ text: 'Welcome, everyone.', authorRole: 'officer' });
    expect(unwrap(await command(viewer, 'townhall:join', { townHallId })).captions.lines.map((l) => l.authorRole)).toEqual(['officer']);
  });

  it('tells a guest named like an officer from the officer in the record, its JSON and its CSV', async () => {
    const townHallId = await hostedRoom();
    const [officer, resident] = await Promise.all([enter(officerSession, townHallId), server.guest('Ana').then((s) => enter(s, townHallId))]);
    unwrap(await command(officer, 'chat:send', { townHallId, text: 'I am the real one.' }));
    // A guest who joined under the officer's name (before such names were refused).
    await server.stores.chat.add({
      townHallId,
      authorId: 'guest-impostor-01',
      authorName: 'Officer Diaz',
      authorRole: null,
      text: 'Trust me, I am the officer.',
      status: 'published',
      holdReason: null,
      filterHits: [],
    });
    unwrap(await command(officer, 'qa:ask', { townHallId, text: 'A question from the host, for the record' }));
    unwrap(await command(resident, 'qa:ask', { townHallId, text: 'A question from a resident' }));
    unwrap(await command(officer, 'townhall:end', { townHallId }));

    const get = (file: string) => fetch(`${server.url}/api/townhalls/${townHallId}/${file}`);
    const { record } = (await (await get('record')).json()) as { record: TownHallRecordView };
    const exported = JSON.parse(await (await get('record.json')).text()) as TownHallRecordView;
    for (const view of [record, exported]) {
      expect(view.chat!.map((l) => [l.name, l.authorRole, l.text]).sort()).toEqual([
        ['Officer Diaz', null, 'Trust me, I am the officer.'],
        ['Officer Diaz', 'officer', 'I am the real one.'],
      ]);
      expect(view.questions!.notReached.map((q) => [q.text, q.authorRole]).sort()).toEqual([
        ['A question from a resident', null],
        ['A question from the host, for the record', 'officer'],
      ]);
    }

    const rows = parseCsv(await (await get('record.csv')).text());
    expect(rows.filter((r) => r.section === 'chat').map((r) => [r.author, r.author_role, r.text]).sort()).toEqual([
      ['Officer Diaz', '', 'Trust me, I am the officer.'],
      ['Officer Diaz', 'officer', 'I am the real one.'],
    ]);
    expect(rows.filter((r) => r.section === 'question').map((r) => [r.text, r.author_role]).sort()).toEqual([
      ['A question from a resident', ''],
      ['A question from the host, for the record', 'officer'],
    ]);
  });
});
