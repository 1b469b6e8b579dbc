// Sessions the server can end: a signed-out cookie is dead everywhere, whoever holds a copy.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io as connectClient } from 'socket.io-client';
import { freshRedisUrl } from '../support/redis.js';
import { command, nextEvent, startTestServer, unwrap, type ClientSocket, type Session, type TestServer } from '../support/server.js';

const post = (server: TestServer, route: string, cookie?: string) =>
  fetch(`${server.url}${route}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
    body: '{}',
  });
const me = async (server: TestServer, cookie: string) =>
  ((await (await fetch(`${server.url}/api/session`, { headers: { cookie } })).json()) as { me: { id: string } | null }).me;

/**
 * Resolves with the handshake's refusal, or rejects if the connection is accepted. Events that
 * reached the client before the refusal (a recovered session's replay) fail it too.
 */
function refusal(server: TestServer, cookie: string, auth?: Record<string, string>): Promise<string> {
  const socket: ClientSocket = connectClient(server.url, {
    transports: ['websocket'],
    extraHeaders: { cookie },
    forceNew: true,
    reconnection: false,
    ...(auth ? { auth } : {}),
  });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => {
      socket.disconnect();
      reject(new Error('the connection was accepted'));
    });
    socket.once('connect_error', (err) => {
      const replayed = (socket as unknown as { receiveBuffer: unknown[] }).receiveBuffer.length;
      if (replayed > 0) reject(new Error(`${replayed} events were replayed to a refused connection`));
      else resolve(err.message);
    });
  });
}

const disconnected = (socket: ClientSocket) => new Promise<string>((resolve) => socket.once('disconnect', resolve));

describe('signing out', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it('ends the session on the server: a copied cookie is refused afterwards, over HTTP and on the socket', async () => {
    const guest = await server.guest('Rosa');
    const copy = guest.cookie;
    const socket = await server.connect(guest);
    const dropped = disconnected(socket);
    expect((await post(server, '/api/session/logout', guest.cookie)).status).toBe(200);
    expect(await dropped).toBe('io server disconnect');
    expect(await me(server, copy)).toBeNull();
    expect((await post(server, '/api/session/logout-all', copy)).status).toBe(401);
    expect(await refusal(server, copy)).toBe('UNAUTHENTICATED');
  });

  it('keeps the person’s other sessions when one of them signs out', async () => {
    const officer = await server.staff('officer', 'Lt. Okafor');
    const laptop = await server.connect(officer);
    const phone = await login(server, officer);
    const phoneSocket = await server.connect(phone);
    const dropped = disconnected(phoneSocket);
    await post(server, '/api/session/logout', phone.cookie);
    await dropped;
    expect(laptop.connected).toBe(true);
    expect(await me(server, officer.cookie)).toMatchObject({ id: officer.me.id });
    expect(await refusal(server, phone.cookie)).toBe('UNAUTHENTICATED');
  });

  it('signs out everywhere: every session and socket of the person ends, and no one else’s', async () => {
    const officer = await server.staff('officer', 'Sgt. Kim');
    const other = await server.guest('Bystander');
    const otherSocket = await server.connect(other);
    const sessions = [officer, await login(server, officer), await login(server, officer)];
    const sockets = await Promise.all(sessions.map((s) => server.connect(s)));
    const dropped = sockets.map(disconnected);
    expect((await post(server, '/api/session/logout-all', sessions[1]!.cookie)).status).toBe(200);
    await Promise.all(dropped);
    for (const s of sessions) {
      expect(await me(server, s.cookie)).toBeNull();
      expect(await refusal(server, s.cookie)).toBe('UNAUTHENTICATED');
    }
    expect(otherSocket.connected).toBe(true);
    expect(await me(server, other.cookie)).toMatchObject({ id: other.me.id });
  });

  it('refuses to recover a dropped connection once its session has signed out', async () => {
    const townHallId = (await server.townHall()).id;
    const owner = await server.guest('Owner');
    const ownerSocket = await server.connect(owner);
    const asker = await server.connect(await server.guest('Asker'));
    const later = await server.connect(await server.guest('Later'));
    for (const s of [ownerSocket, asker, later]) unwrap(await command(s, 'townhall:join', { townHallId }));
    const seen = nextEvent(ownerSocket, 'qa:question-changed', (p) => p.question.text === 'Before the drop');
    unwrap(await command(asker, 'qa:ask', { townHallId, text: 'Before the drop' }));
    await seen;
    const { _pid: pid, _lastOffset: offset } = ownerSocket as unknown as { _pid: string; _lastOffset: string };
    const dropped = disconnected(ownerSocket);
    ownerSocket.io.engine.close();
    await dropped;
    // The server keeps the dropped connection's state once it has seen it go.
    const kept = (server.app.io.of('/').adapter as unknown as { sessions: Map<string, unknown> }).sessions;
    for (let i = 0; !kept.has(pid); i++) {
      if (i > 100) throw new Error('the dropped connection was never kept');
      await new Promise((resolve) => setImmediate(resolve));
    }
    await post(server, '/api/session/logout', owner.cookie);
    const missed = nextEvent(later, 'qa:question-changed', (p) => p.question.text === 'Missed while away');
    unwrap(await command(later, 'qa:ask', { townHallId, text: 'Missed while away' }));
    await missed;
    expect(await refusal(server, owner.cookie, { pid, offset })).toBe('UNAUTHENTICATED');
  });

  it('answers a sign-out without a session, and clears the cookie all the same', async () => {
    const res = await post(server, '/api/session/logout');
    expect(res.status).toBe(200);
    expect(res.headers.getSetCookie()[0]).toMatch(/^rt_session=;/);
  });
});

describe('signing out on one node of two sharing Redis', () => {
  let a: TestServer, b: TestServer;
  beforeAll(async () => {
    const redisUrl = await freshRedisUrl();
    a = await startTestServer({ store: 'redis', redisUrl });
    b = await startTestServer({ store: 'redis', redisUrl });
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  it('refuses the cookie and disconnects the socket on the other node at once', async () => {
    const guest = await a.guest('Traveller');
    const onB = await b.connect(guest);
    expect(await me(b, guest.cookie)).toMatchObject({ id: guest.me.id });
    const dropped = disconnected(onB);
    await post(a, '/api/session/logout', guest.cookie);
    await dropped;
    expect(await me(b, guest.cookie)).toBeNull();
    expect(await refusal(b, guest.cookie)).toBe('UNAUTHENTICATED');
  });
});

/** A second sign-in of the same staff account (another device). */
async function login(server: TestServer, staff: Session): Promise<Session> {
  const username = staff.me.username!;
  const res = await fetch(`${server.url}/api/session/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: 'correct horse battery staple' }),
  });
  if (!res.ok) throw new Error(`login answered ${res.status}`);
  return { cookie: res.headers.getSetCookie()[0]!.split(';')[0]!, me: staff.me };
}
