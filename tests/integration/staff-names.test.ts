// Guests and residents cannot take a name that passes for a staff member's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server.js';

const MESSAGE = "This name is too close to a staff member's name; please choose another.";

describe('names that pass for staff', () => {
  let server: TestServer;
  const post = (route: string, body: unknown) =>
    fetch(`${server.url}${route}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  beforeAll(async () => {
    server = await startTestServer();
    await server.staff('officer', 'Sgt. Dana Reyes');
  });
  afterAll(() => server.close());

  it('refuses a guest named like an officer, or a look-alike of it, and starts no session', async () => {
    for (const displayName of ['Sgt. Dana Reyes', 'dana  REYES', 'Dаna Reyes', 'Officer Smith']) {
      const res = await post('/api/session/guest', { displayName });
      expect(res.status, displayName).toBe(400);
      expect(await res.json()).toEqual({
        error: { code: 'INVALID_PAYLOAD', message: MESSAGE, fields: ['displayName'], reason: 'STAFF_NAME' },
      });
      expect(res.headers.getSetCookie()).toEqual([]);
    }
  });

  it('refuses a resident registering under an officer’s name, and keeps the username free', async () => {
    const body = { displayName: 'Dana Reyes', username: 'not.dana', password: 'a long enough password' };
    const res = await post('/api/session/register', body);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: 'INVALID_PAYLOAD', message: MESSAGE, reason: 'STAFF_NAME' } });
    expect((await post('/api/session/register', { ...body, displayName: 'Dana from Elm St' })).status).toBe(200);
  });

  it('protects a staff name from the moment the account exists', async () => {
    expect((await post('/api/session/guest', { displayName: 'Ana Torres' })).status).toBe(200);
    await server.staff('moderator', 'Ana Torres');
    expect((await post('/api/session/guest', { displayName: 'ana torres' })).status).toBe(400);
  });

  it('accepts ordinary names', async () => {
    for (const displayName of ['Rosa', 'Reyes', 'Dana', 'Maria G.']) {
      expect((await post('/api/session/guest', { displayName })).status, displayName).toBe(200);
    }
  });
});
