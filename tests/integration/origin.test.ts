// Which pages may use a visitor's session: only the configured public address, the allowed
// origins and (with no public URL) the server's own loopback pages. The Host header, which the
// sender chooses, decides nothing.
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io as connectClient } from 'socket.io-client';
import { startTestServer, type TestServer } from '../support/server.js';

/** A raw request, so that the Host header is exactly the one given. */
function send(url: string, method: string, headers: Record<string, string>, body = ''): Promise<{ status: number; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) } }, (res) => {
      res.resume();
      res.once('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
    });
    req.once('error', reject);
    req.end(body);
  });
}

/** Resolves to 'connect' or the connect_error message of a handshake with these headers. */
function handshake(url: string, headers: Record<string, string>): Promise<string> {
  const socket = connectClient(url, { transports: ['websocket'], extraHeaders: headers, forceNew: true, reconnection: false });
  return new Promise<string>((resolve) => {
    socket.once('connect', () => resolve('connect'));
    socket.once('connect_error', (err) => resolve(err.message));
  }).finally(() => socket.close());
}

describe('the origin check', () => {
  let server: TestServer;
  let cookie: string;
  beforeAll(async () => {
    server = await startTestServer();
    cookie = (await server.guest('Olive')).cookie;
  });
  afterAll(() => server.close());

  it('refuses a POST whose Origin and Host both name another site', async () => {
    const evil = { origin: 'http://evil.example', host: 'evil.example', 'content-type': 'application/json' };
    const res = await send(`${server.url}/api/session/guest`, 'POST', evil, JSON.stringify({ displayName: 'Eve' }));
    expect(res.status).toBe(403);
  });

  it('refuses a socket handshake whose Origin and Host both name another site', async () => {
    expect(await handshake(server.url, { cookie, origin: 'http://evil.example', host: 'evil.example' })).not.toBe('connect');
  });

  it("accepts the pages of the server's own loopback address when no public URL is configured", async () => {
    const port = new URL(server.url).port;
    for (const origin of [`http://127.0.0.1:${port}`, `http://localhost:${port}`]) {
      expect(await handshake(server.url, { cookie, origin })).toBe('connect');
      const res = await send(`${server.url}/api/session/guest`, 'POST', { origin, 'content-type': 'application/json' }, JSON.stringify({ displayName: 'Lou' }));
      expect(res.status).toBe(200);
    }
    expect(await handshake(server.url, { cookie, origin: 'http://127.0.0.1:1' })).not.toBe('connect');
  });
});

describe('Strict-Transport-Security', () => {
  it('is not sent when the public address is plain http', async () => {
    const server = await startTestServer({ secureCookies: false });
    try {
      expect((await fetch(`${server.url}/healthz`)).headers.get('strict-transport-security')).toBeNull();
    } finally {
      await server.close();
    }
  });

  it('is sent when the public address is https', async () => {
    const server = await startTestServer({ secureCookies: true });
    try {
      expect((await fetch(`${server.url}/healthz`)).headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
    } finally {
      await server.close();
    }
  });
});
