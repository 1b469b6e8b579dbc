// One person cannot hold a thousand connections, nor can one network: past a cap the handshake
// is refused with TOO_MANY_CONNECTIONS, and a connection that closes frees its place.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { TOO_MANY_CONNECTIONS } from '../../shared/errors.js';
import { startTestServer, type ClientSocket, type TestServer } from '../support/server.js';

let server: TestServer;

/** Closes a connection and resolves once the server has seen it go. */
const closed = (socket: ClientSocket) =>
  new Promise<void>((resolve) => {
    const there = server.app.io.of('/').sockets.get(socket.id!);
    if (!there) return resolve();
    there.once('disconnect', () => resolve());
    socket.disconnect();
  });

describe('connection caps', () => {
  beforeAll(async () => {
    server = await startTestServer({ socketCaps: { perSession: 3, perNetwork: 5 } });
  });
  afterAll(() => server.close());

  it('refuses the connection past the cap for one session, and accepts one again once another closes', async () => {
    const session = await server.guest('Many Tabs');
    const open = await Promise.all([1, 2, 3].map(() => server.connect(session)));
    await expect(server.connect(session)).rejects.toThrow(TOO_MANY_CONNECTIONS);
    // Someone else is not held back by it.
    const other = await server.connect(await server.guest('One Tab'));

    await closed(open[0]!);
    const again = await server.connect(session);
    expect(again.connected).toBe(true);
    await expect(server.connect(session)).rejects.toThrow(TOO_MANY_CONNECTIONS);
    await Promise.all([...open.slice(1), again, other].map(closed));
  });

  it('closes the transport of a refused connection at once, even when the client keeps it open', async () => {
    const session = await server.guest('Script');
    const open = await Promise.all([1, 2, 3].map(() => server.connect(session)));
    // A raw Engine.IO client that asks for the namespace and would then sit on the connection.
    const raw = new WebSocket(`${server.url.replace('http', 'ws')}/socket.io/?EIO=4&transport=websocket`, { headers: { cookie: session.cookie } });
    const frames: string[] = [];
    raw.on('message', (data: Buffer) => {
      const frame = data.toString();
      frames.push(frame);
      if (frame.startsWith('0')) raw.send('40');
    });
    await new Promise((resolve) => raw.once('close', resolve));
    expect(frames.find((f) => f.startsWith('44'))).toContain(TOO_MANY_CONNECTIONS);
    await Promise.all(open.map(closed));
  });

  it('refuses the connection past the cap for one network, whoever signs in', async () => {
    const sessions = await Promise.all([1, 2, 3, 4, 5, 6].map((i) => server.guest(`Neighbour ${i}`)));
    const open = await Promise.all(sessions.slice(0, 5).map((s) => server.connect(s)));
    await expect(server.connect(sessions[5]!)).rejects.toThrow(TOO_MANY_CONNECTIONS);
    await closed(open[0]!);
    const again = await server.connect(sessions[5]!);
    await Promise.all([...open.slice(1), again].map(closed));
  });
});

describe('connection caps by default', () => {
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it('refuses the twenty-first connection of one session', async () => {
    const session = await server.guest('Script');
    const open = await Promise.all(Array.from({ length: 20 }, () => server.connect(session)));
    await expect(server.connect(session)).rejects.toThrow(TOO_MANY_CONNECTIONS);
    await Promise.all(open.map(closed));
  });
});
