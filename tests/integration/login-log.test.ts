// Sign-in outcomes reach the log as a keyed hash of the username: never the name, the password
// or the address.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../server/core/log.js';
import { startTestServer, type TestServer } from '../support/server.js';

interface Line {
  level: number;
  msg: string;
  [field: string]: unknown;
}

describe('login logging', () => {
  let server: TestServer;
  const lines: string[] = [];
  const parsed = () => lines.map((l) => JSON.parse(l) as Line);
  const login = (username: string, password: string) =>
    fetch(`${server.url}/api/session/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });

  beforeAll(async () => {
    server = await startTestServer({ log: createLogger('info', { write: (line: string) => void lines.push(line) }) });
    await server.app.identity.createStaff({ username: 'sgt.reyes', password: 'the right password', role: 'officer', displayName: 'Sgt. Reyes' });
  });
  afterAll(() => server.close());

  it('logs a failed login once, at warn, with a keyed hash of the username and nothing else of it', async () => {
    lines.length = 0;
    expect((await login('sgt.reyes', 'hunter2-wrong-guess')).status).toBe(401);
    const failed = parsed().filter((l) => l.msg === 'login failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ level: 40, reason: 'credentials', login: expect.stringMatching(/^[A-Za-z0-9_-]{12}$/) });
    const text = lines.join('\n');
    expect(text).not.toMatch(/reyes/i);
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('127.0.0.1');
  });

  it('gives the same username the same tag, and a different one another', async () => {
    lines.length = 0;
    await login('sgt.reyes', 'wrong one');
    await login('sgt.reyes', 'wrong two');
    await login('nobody.here', 'wrong three');
    const tags = parsed()
      .filter((l) => l.msg === 'login failed')
      .map((l) => l.login);
    expect(tags).toHaveLength(3);
    expect(tags[0]).toBe(tags[1]);
    expect(tags[2]).not.toBe(tags[0]);
  });

  it('logs a staff sign-in at info, the same way', async () => {
    lines.length = 0;
    expect((await login('sgt.reyes', 'the right password')).status).toBe(200);
    const [line] = parsed().filter((l) => l.msg === 'staff login');
    expect(line).toMatchObject({ level: 30, login: expect.stringMatching(/^[A-Za-z0-9_-]{12}$/), role: 'officer' });
    expect(lines.join('\n')).not.toMatch(/reyes|right password/i);
  });
});
