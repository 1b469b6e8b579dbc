// Watching before joining: a visitor with no name sees what a resident sees, live, and can do
// nothing else; watchers make no identity and count toward their network's connection caps.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io as connectClient } from 'socket.io-client';
import { commandSchemas, WATCHABLE } from '../../server/core/command.js';
import { TOO_MANY_CONNECTIONS } from '../../shared/errors.js';
import { deliverFrame } from '../../shared/room.js';
import { command, nextEvent, startTestServer, unwrap, type ClientSocket, type Session, type TestServer } from '../support/server.js';

describe.each(['sqlite', 'redis'] as const)('watchers on the %s store', (store) => {
  let server: TestServer;
  const opened: ClientSocket[] = [];

  /** A connection with no cookie that asks to watch (or not). */
  const visit = async (watch = true): Promise<ClientSocket> => {
    const socket: ClientSocket = connectClient(server.url, {
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
      ...(watch ? { auth: { watch: true } } : {}),
    });
    opened.push(socket);
    socket.on('townhall:frame', (frame) => deliverFrame(socket, frame));
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('connect_error', reject);
    });
    return socket;
  };
  const enter = async (session: Session, townHallId: string) => {
    const socket = await server.connect(session);
    unwrap(await command(socket, 'townhall:join', { townHallId }));
    return socket;
  };
  /** A live town hall with a host, an answered and an open question, and an open poll with a ballot. */
  const busyHall = async () => {
    const hostSession = await server.staff('officer', 'Officer Host');
    const { id: townHallId } = await server.townHall({ hosts: [{ id: hostSession.me.id, displayName: hostSession.me.displayName }] });
    const host = await enter(hostSession, townHallId);
    const resident = await enter(await server.guest('Rosa Resident'), townHallId);
    const answered = unwrap(await command(resident, 'qa:ask', { townHallId, text: 'When does the new patrol start?' }));
    unwrap(await command(host, 'qa:answer', { questionId: answered.id, text: 'Next Monday.' }));
    // One question per person every 15 s: a neighbour asks the second.
    const neighbour = await enter(await server.guest('Nina Neighbour'), townHallId);
    const open = unwrap(await command(neighbour, 'qa:ask', { townHallId, text: 'Can we get a crossing guard on Elm Street?' }));
    unwrap(await command(resident, 'qa:vote', { questionId: open.id, voted: true }));
    const draft = unwrap(await command(host, 'poll:create', { townHallId, kind: 'single', question: 'Best day for the next one?', options: ['Mon', 'Sat'] }));
    const poll = unwrap(await command(host, 'poll:open', { pollId: draft.id }));
    unwrap(await command(resident, 'poll:vote', { pollId: poll.id, ballot: { kind: 'single', optionId: poll.options[1]!.id } }));
    return { townHallId, host, resident, poll, answered, open };
  };

  beforeAll(async () => {
    server = await startTestServer({ store });
  });
  afterAll(async () => {
    for (const s of opened) s.disconnect();
    await server.close();
  });

  it('sees the ranked and answered questions and the open poll\'s results, then live changes', async () => {
    const { townHallId, host, resident, poll, answered, open } = await busyHall();
    const watcher = await visit();
    const snapshot = unwrap(await command(watcher, 'townhall:join', { townHallId }));
    expect(snapshot.qa.questions.map((q) => [q.id, q.answerState, q.votes])).toEqual(
      expect.arrayContaining([
        [answered.id, 'answered', 0],
        [open.id, 'open', 1],
      ]),
    );
    expect(snapshot.qa.myVotes).toEqual([]);
    const [seenPoll] = snapshot.polls;
    expect(seenPoll).toMatchObject({ id: poll.id, status: 'open', myBallot: null, results: { ballots: 1 } });
    expect(snapshot.hallCode).toBeNull();
    expect(snapshot.backchannel).toBeNull();

    const asked = nextEvent(watcher, 'qa:question-changed', (p) => p.question.text === 'Is the station open on Sundays?');
    const tallied = nextEvent(watcher, 'poll:results-tallied', (p) => p.pollId === poll.id && p.results.ballots === 2);
    const other = await enter(await server.guest('Omar Other'), townHallId);
    unwrap(await command(other, 'qa:ask', { townHallId, text: 'Is the station open on Sundays?' }));
    unwrap(await command(other, 'poll:vote', { pollId: poll.id, ballot: { kind: 'single', optionId: poll.options[0]!.id } }));
    expect((await asked).question).toMatchObject({ authorName: 'Omar Other' });
    expect((await asked).question.mine).not.toBe(true);
    await tallied;
    void host;
    void resident;
  });

  it('sees nothing a resident would not: no held question, no staff facts', async () => {
    const { townHallId, host } = await busyHall();
    unwrap(await command(host, 'qa:set-moderation', { townHallId, moderation: 'pre' }));
    const watcher = await visit();
    unwrap(await command(watcher, 'townhall:join', { townHallId }));
    const heard: string[] = [];
    watcher.onAny((event: string, ...args: unknown[]) => heard.push(JSON.stringify([event, ...args])));
    const asker = await enter(await server.guest('Held Asker'), townHallId);
    const held = unwrap(await command(asker, 'qa:ask', { townHallId, text: 'HELD-QUESTION-TEXT please' }));
    expect(held.status).toBe('held');
    // A fact to everyone after it is a barrier: by the frame that carries it, a staff copy would have come.
    const barrier = nextEvent(watcher, 'chat:message-posted', (p) => p.message.text === 'barrier');
    unwrap(await command(host, 'chat:send', { townHallId, text: 'barrier' }));
    await barrier;
    expect(heard.join('\n')).not.toContain('HELD-QUESTION-TEXT');
    const again = unwrap(await command(watcher, 'townhall:join', { townHallId }));
    expect(again.qa.questions.map((q) => q.text)).not.toContain('HELD-QUESTION-TEXT please');
  });

  it('is refused every command that acts, with UNAUTHENTICATED, and changes nothing', async () => {
    const { townHallId, poll, open } = await busyHall();
    const watcher = await visit();
    unwrap(await command(watcher, 'townhall:join', { townHallId }));
    const acting = [...commandSchemas(server.app.io).keys()].filter((name) => !WATCHABLE.has(name));
    expect(acting).toEqual(expect.arrayContaining(['qa:ask', 'qa:vote', 'poll:vote', 'chat:send', 'mod:flag', 'stage:raise-hand', 'backchannel:send', 'townhall:admit', 'forum:reply', 'media:produce']));
    // Well-formed payloads where it matters, so nothing but being a watcher refuses them.
    const payloads: Record<string, unknown> = {
      'qa:ask': { townHallId, text: 'A watcher asks' },
      'qa:vote': { questionId: open.id, voted: true },
      'poll:vote': { pollId: poll.id, ballot: { kind: 'single', optionId: poll.options[0]!.id } },
      'chat:send': { townHallId, text: 'A watcher chats' },
      'mod:flag': { ref: { kind: 'question', id: open.id }, reason: 'spam' },
      'stage:raise-hand': { townHallId },
    };
    for (const name of acting) {
      const result = await command(watcher, name as 'qa:ask', (payloads[name] ?? {}) as never);
      expect([name, result]).toEqual([name, { ok: false, error: { code: 'UNAUTHENTICATED', message: 'Join with a name to ask, vote and chat.' } }]);
    }
    expect(await command(watcher, 'media:create-transport', { townHallId, direction: 'send' })).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
    const after = unwrap(await command(watcher, 'townhall:join', { townHallId }));
    expect(after.qa.questions.map((q) => q.text)).not.toContain('A watcher asks');
    expect(after.qa.questions.find((q) => q.id === open.id)?.votes).toBe(1);
    expect(after.polls[0]?.results?.ballots).toBe(1);
    expect(after.chat.messages.map((m) => m.text)).not.toContain('A watcher chats');
  });

  it('is never made without asking: no cookie and no watch is still UNAUTHENTICATED', async () => {
    await expect(visit(false)).rejects.toThrow('UNAUTHENTICATED');
  });
});

describe('watchers and the connection caps', () => {
  let server: TestServer;
  const opened: ClientSocket[] = [];
  const watch = () => {
    const socket: ClientSocket = connectClient(server.url, { transports: ['websocket'], forceNew: true, reconnection: false, auth: { watch: true } });
    opened.push(socket);
    return new Promise<ClientSocket>((resolve, reject) => {
      socket.once('connect', () => resolve(socket));
      socket.once('connect_error', reject);
    });
  };
  beforeAll(async () => {
    server = await startTestServer({ socketCaps: { perSession: 20, perNetwork: 4, watchersPerNetwork: 2 } });
  });
  afterAll(async () => {
    for (const s of opened) s.disconnect();
    await server.close();
  });

  it('counts watchers toward the network\'s cap, and lets them take only part of it', async () => {
    const watchers = [await watch(), await watch()];
    await expect(watch()).rejects.toThrow(TOO_MANY_CONNECTIONS);
    // The people who joined with a name keep the rest of the network's places, and no more.
    const guest = await server.guest('Named Person');
    const people = [await server.connect(guest), await server.connect(guest)];
    await expect(server.connect(guest)).rejects.toThrow(TOO_MANY_CONNECTIONS);
    // A watcher who leaves frees a place for whoever comes next.
    const gone = new Promise<void>((resolve) => server.app.io.of('/').sockets.get(watchers[0]!.id!)!.once('disconnect', () => resolve()));
    watchers[0]!.disconnect();
    await gone;
    expect((await server.connect(guest)).connected).toBe(true);
    void people;
  });
});
