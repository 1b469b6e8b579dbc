// The session cookie's attributes as a browser receives them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server.js';

describe('the session cookie with secure cookies on', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ secureCookies: true });
  });
  afterAll(() => server.close());

  const me = async (cookie: string) =>
    ((await (await fetch(`${server.url}/api/session`, { headers: { cookie } })).json()) as { me: unknown }).me;

  it('sets __Host-rt_session: Secure, HttpOnly, SameSite=Lax, Path=/ and no Domain', async () => {
    const res = await fetch(`${server.url}/api/session/guest`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ displayName: 'Rosa' }),
    });
    const [setCookie] = res.headers.getSetCookie();
    const [pair, ...attributes] = setCookie!.split(/;\s*/);
    expect(pair).toMatch(/^__Host-rt_session=[\w-]+\.[\w-]+$/);
    expect(attributes).toEqual(expect.arrayContaining(['Path=/', 'HttpOnly', 'Secure', 'SameSite=Lax']));
    expect(attributes.some((a) => /^domain=/i.test(a))).toBe(false);
    // The name in force is the one read; the same token under the plain name is no session.
    expect(await me(pair!)).toMatchObject({ displayName: 'Rosa' });
    expect(await me(pair!.replace('__Host-rt_session', 'rt_session'))).toBeNull();
  });

  it('clears the same cookie on sign-out', async () => {
    const guest = await server.guest('Ana');
    const res = await fetch(`${server.url}/api/session/logout`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: guest.cookie },
      body: '{}',
    });
    const [cleared] = res.headers.getSetCookie();
    expect(cleared).toMatch(/^__Host-rt_session=;/);
    expect(cleared).toMatch(/Secure/);
    expect(cleared).toMatch(/Path=\//);
  });
});
