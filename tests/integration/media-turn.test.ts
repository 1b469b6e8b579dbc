// TURN credentials travel with each media transport: fresh for each, signed with the relay's
// secret, and carrying nothing that names the person. (That coturn accepts them and relays the
// video: tests/browser/turn-relay.browser.test.ts.)
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TransportOptions } from '../../shared/media.js';
import { command, startTestServer, unwrap, type Session, type TestServer } from '../support/server.js';

const TURN = { urls: ['turn:turn.example.gov:3478?transport=udp', 'turns:turn.example.gov:443?transport=tcp'], secret: 'relay-secret-0123456789', ttlSeconds: 900 };

async function transportOf(server: TestServer, session: Session, townHallId: string, direction: 'send' | 'recv'): Promise<TransportOptions> {
  const socket = await server.connect(session);
  unwrap(await command(socket, 'townhall:join', { townHallId }));
  unwrap(await command(socket, 'media:join', { townHallId }));
  return unwrap(await command(socket, 'media:create-transport', { townHallId, direction }));
}

describe('TURN credentials with media transports', () => {
  let server: TestServer;
  let plain: TestServer;
  let officer: Session;
  let townHallId: string;

  beforeAll(async () => {
    server = await startTestServer({ media: true, turn: TURN });
    plain = await startTestServer({ media: true });
    officer = await server.staff('officer', 'Officer Diaz');
    townHallId = (await server.townHall({ hosts: [{ id: officer.me.id, displayName: officer.me.displayName }] })).id;
  });
  afterAll(async () => {
    await server?.close();
    await plain?.close();
  });

  it('hands each transport its own credential for the relays, valid for the configured time', async () => {
    const resident = await server.guest('Rosa Martinez');
    const before = Math.floor(Date.now() / 1000);
    const recv = await transportOf(server, resident, townHallId, 'recv');
    const send = await transportOf(server, officer, townHallId, 'send');

    for (const { iceServers } of [recv, send]) {
      expect(iceServers).toHaveLength(1);
      const [relay] = iceServers;
      expect(relay!.urls).toEqual(TURN.urls);
      const [expiry, id] = relay!.username.split(':');
      expect(Number(expiry) - before).toBeGreaterThanOrEqual(TURN.ttlSeconds);
      expect(Number(expiry) - before).toBeLessThanOrEqual(TURN.ttlSeconds + 5);
      expect(relay!.credential).toBe(createHmac('sha1', TURN.secret).update(relay!.username).digest('base64'));
      // The relay logs usernames: nothing in them may say who watched.
      for (const personal of [resident.me.id, resident.me.displayName, 'Rosa', officer.me.id, officer.me.displayName]) {
        expect(id).not.toContain(personal);
      }
    }
    expect(recv.iceServers[0]!.username).not.toBe(send.iceServers[0]!.username);
  });

  it('hands out no relay when none is configured', async () => {
    const host = await plain.staff('officer');
    const id = (await plain.townHall({ hosts: [{ id: host.me.id, displayName: host.me.displayName }] })).id;
    expect((await transportOf(plain, await plain.guest('Sam'), id, 'recv')).iceServers).toEqual([]);
  });
});
