import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server.js';

describe('sessions and staff accounts over HTTP', () => {
  let server: TestServer;
  const post = (route: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${server.url}${route}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
  const get = (route: string, cookie?: string) => fetch(`${server.url}${route}`, { headers: cookie ? { cookie } : {} });

  beforeAll(async () => {
    server = await startTestServer();
    await server.app.identity.ensureAdmin({ username: 'chief', password: 'a long admin password' });
  });
  afterAll(() => server.close());

  it('joins a guest with an HttpOnly session cookie that survives a reload', async () => {
    const res = await post('/api/session/guest', { displayName: '  Maria   G. ' });
    expect(res.status).toBe(200);
    const setCookie = res.headers.getSetCookie()[0] ?? '';
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    const cookie = setCookie.split(';')[0]!;
    const me = (await (await get('/api/session', cookie)).json()) as { me: { displayName: string; role: string } };
    expect(me.me).toMatchObject({ displayName: 'Maria G.', role: 'resident' });
  });

  it('refuses a wrong password without saying which part was wrong', async () => {
    const unknownUser = await post('/api/session/login', { username: 'nobody', password: 'whatever-it-is' });
    const wrongPassword = await post('/api/session/login', { username: 'chief', password: 'not the password' });
    expect(unknownUser.status).toBe(401);
    expect(wrongPassword.status).toBe(401);
    expect(await unknownUser.json()).toEqual(await wrongPassword.json());
  });

  it('lets only an admin create staff, and refuses a taken username', async () => {
    const login = await post('/api/session/login', { username: 'Chief', password: 'a long admin password' });
    expect(login.status).toBe(200);
    const admin = login.headers.getSetCookie()[0]!.split(';')[0]!;
    const body = { displayName: 'Officer Kay', username: 'kay', password: 'kay-password-1', role: 'officer' };
    const created = await post('/api/staff', body, { cookie: admin });
    expect(created.status).toBe(201);
    expect(((await created.json()) as { staff: unknown }).staff).toMatchObject({ username: 'kay', role: 'officer' });
    expect((await post('/api/staff', body, { cookie: admin })).status).toBe(409);

    const resident = (await server.guest('Not an admin')).cookie;
    const refused = await post('/api/staff', { ...body, username: 'kay2' }, { cookie: resident });
    expect(refused.status).toBe(403);
    expect((await get('/api/staff', resident)).status).toBe(403);
    expect((await get('/api/staff')).status).toBe(401);
    const staff = (await (await get('/api/staff', admin)).json()) as { staff: { username: string }[] };
    expect(staff.staff.map((s) => s.username)).toEqual(['chief', 'kay']);
  });

  it('registers a resident account that can sign in again', async () => {
    const res = await post('/api/session/register', { displayName: 'Jo', username: 'jo.resident', password: 'jo-password-1' });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { me: unknown }).me).toMatchObject({ role: 'resident', kind: 'account' });
    expect((await post('/api/session/login', { username: 'jo.resident', password: 'jo-password-1' })).status).toBe(200);
  });

  it('answers bad bodies with INVALID_PAYLOAD and no stack trace', async () => {
    for (const body of [{}, { displayName: 'x' }, { displayName: 'ok name', role: 'admin' }, { displayName: 'y'.repeat(200) }]) {
      const res = await post('/api/session/guest', body);
      expect(res.status).toBe(400);
      const text = await res.text();
      expect(JSON.parse(text)).toMatchObject({ error: { code: 'INVALID_PAYLOAD' } });
      expect(text).not.toMatch(/at .*\.ts|Error:/);
    }
    const broken = await fetch(`${server.url}/api/session/guest`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"displayName":',
    });
    expect(broken.status).toBe(400);
  });

  it('refuses POSTs from an origin outside the allowlist', async () => {
    const res = await post('/api/session/guest', { displayName: 'Eve' }, { origin: 'https://evil.example' });
    expect(res.status).toBe(403);
  });

  it('reads a malformed session cookie as no session', async () => {
    const res = await get('/api/session', 'rt_session=%E0%A4%A');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ me: null });
  });

  it('answers a body in an unsupported charset with INVALID_PAYLOAD', async () => {
    const res = await fetch(`${server.url}/api/session/guest`, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=latin1' },
      body: '{"displayName":"Bob"}',
    });
    expect(res.status).toBe(400);
  });

  it('answers unknown API paths with NOT_FOUND', async () => {
    const res = await get('/api/nothing-here');
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
  });
});
