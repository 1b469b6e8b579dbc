import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { rooms } from '../../server/core/types.js';
import { command, nextEvent, startTestServer, unwrap, type ClientSocket, type Session, type TestServer } from '../support/server.js';

// Every part is read from the stores, so both run.
describe.each(['sqlite', 'redis'] as const)('the town hall room on the %s store', (store) => {
  let server: TestServer;
  let hostSession: Session;

  const hostedTownHall = async () =>
    (await server.townHall({ hosts: [{ id: hostSession.me.id, displayName: hostSession.me.displayName }] })).id;
  const enter = async (session: Session, townHallId: string): Promise<ClientSocket> => {
    const socket = await server.connect(session);
    unwrap(await command(socket, 'townhall:join', { townHallId }));
    return socket;
  };
  const inRoom = async (room: string) => (await server.app.io.in(room).fetchSockets()).map((s) => s.id);

  beforeAll(async () => {
    server = await startTestServer({ store });
    hostSession = await server.staff('officer', 'Officer Diaz');
  });
  afterAll(() => server.close());

  it("answers a join with every feature's part, each as this person may see it", async () => {
    const townHallId = await hostedTownHall();
    const host = await enter(hostSession, townHallId);
    const question = unwrap(await command(host, 'qa:ask', { townHallId, text: 'Who patrols the park at night?' }));
    const poll = unwrap(await command(host, 'poll:create', { townHallId, kind: 'single', question: 'Which park first?', options: ['North', 'South'] }));
    unwrap(await command(host, 'poll:open', { pollId: poll.id }));
    const draft = unwrap(await command(host, 'poll:create', { townHallId, kind: 'rating', question: 'How safe do you feel?', scale: { min: 1, max: 5 } }));
    const message = unwrap(await command(host, 'chat:send', { townHallId, text: 'Welcome, everyone.' }));
    const line = unwrap(await command(host, 'captions:send', { townHallId, text: 'Good evening.' }));

    const resident = await server.connect(await server.guest('Rosa'));
    const snapshot = unwrap(await command(resident, 'townhall:join', { townHallId }));

    expect(snapshot.townHall).toMatchObject({ id: townHallId, status: 'live' });
    expect(snapshot.qa).toMatchObject({ townHallId, moderation: 'post', slowModeSeconds: 0, myVotes: [] });
    expect(snapshot.qa.questions.map((q) => q.id)).toEqual([question.id]);
    expect(snapshot.polls.map((p) => [p.id, p.status])).toEqual([[poll.id, 'open']]);
    expect(snapshot.chat.messages.map((m) => m.id)).toEqual([message.id]);
    expect(snapshot.captions).toEqual({ townHallId, lines: [line] });
    expect(snapshot.hallCode).toBeNull();

    // The host sees the draft and gets the hall's code with the same join.
    const again = unwrap(await command(host, 'townhall:join', { townHallId }));
    expect(again.polls.map((p) => p.id)).toEqual(expect.arrayContaining([poll.id, draft.id]));
    expect(again.hallCode).toEqual({ code: expect.stringMatching(/^[A-Z0-9]{6}$/), expiresAt: expect.any(Number) });
    expect(unwrap(await command(host, 'townhall:hall-code', { townHallId })).code).toBe(again.hallCode!.code);
  });

  it('puts a joining connection in the town hall, and a reviewer in its staff room too, until it leaves', async () => {
    const townHallId = await hostedTownHall();
    const [resident, moderator] = await Promise.all([
      server.guest('Rosa').then((s) => enter(s, townHallId)),
      server.staff('moderator').then((s) => enter(s, townHallId)),
    ]);
    expect(await inRoom(rooms.townHall(townHallId))).toEqual(expect.arrayContaining([resident.id, moderator.id]));
    expect(await inRoom(rooms.townHallStaff(townHallId))).toEqual([moderator.id]);

    unwrap(await command(moderator, 'townhall:leave', { townHallId }));
    expect(await inRoom(rooms.townHall(townHallId))).toEqual([resident.id]);
    expect(await inRoom(rooms.townHallStaff(townHallId))).toEqual([]);
    expect(await command(moderator, 'chat:send', { townHallId, text: 'still here?' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  });

  it('refuses commands about a town hall from a connection that did not join it, staff included', async () => {
    const townHallId = await hostedTownHall();
    const stranger = await server.connect(await server.guest('Stranger'));
    const host = await server.connect(hostSession);
    const captioner = await server.connect(await server.staff('captioner'));
    const refusals = [
      await command(stranger, 'qa:ask', { townHallId, text: 'Can I ask from outside?' }),
      await command(stranger, 'chat:send', { townHallId, text: 'hello?' }),
      await command(host, 'poll:create', { townHallId, kind: 'single', question: 'Which park first?', options: ['North', 'South'] }),
      await command(host, 'qa:set-moderation', { townHallId, moderation: 'pre' }),
      await command(captioner, 'captions:send', { townHallId, text: 'Good evening.' }),
    ];
    for (const refused of refusals) expect(refused).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', message: 'Join the town hall first.' } });
  });

  it('lets joins share a read of the room, and no question falls between a shared snapshot and the frames', async () => {
    const townHallId = await hostedTownHall();
    const ask = async (name: string, text: string) =>
      unwrap(await command(await enter(await server.guest(name), townHallId), 'qa:ask', { townHallId, text }));
    const ids = (snapshot: { qa: { questions: { id: string }[] } }) => snapshot.qa.questions.map((q) => q.id);
    // What a connection has seen of the questions: its join's snapshot, then its frames.
    const watch = async (name: string) => {
      const socket = await server.connect(await server.guest(name));
      const framed = new Set<string>();
      socket.on('townhall:frame', (frame) => {
        for (const [event, payload] of frame.facts) if (event === 'qa:question-changed') framed.add((payload as { question: { id: string } }).question.id);
      });
      const snapshot = unwrap(await command(socket, 'townhall:join', { townHallId }));
      return { socket, snapshot, seen: () => new Set([...ids(snapshot), ...framed]) };
    };

    const first = await ask('Dora', 'Who patrols the park at night?');
    const ana = await watch('Ana');
    await vi.waitFor(() => expect(ana.seen()).toEqual(new Set([first.id])));
    // Asked after Ana's read: Bea joins before its frame may have left, Carla once Ana has it.
    const second = await ask('Elena', 'When does the new crossing open?');
    const bea = await watch('Bea');
    await nextEvent(ana.socket, 'townhall:frame', (f) => f.facts.some(([, p]) => (p as { question?: { id: string } }).question?.id === second.id));
    const carla = await watch('Carla');
    expect(ids(carla.snapshot)).toEqual(expect.arrayContaining([first.id, second.id]));
    await vi.waitFor(() => expect(bea.seen()).toEqual(new Set([first.id, second.id])));
  });

  it('refuses to join a town hall that does not exist', async () => {
    const socket = await server.connect(await server.guest('Lost'));
    expect(await command(socket, 'townhall:join', { townHallId: 'AAAAAAAAAAAAAAAA' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await inRoom(rooms.townHall('AAAAAAAAAAAAAAAA'))).toEqual([]);
  });
});
