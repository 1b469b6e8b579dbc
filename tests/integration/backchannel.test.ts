// The staff backchannel: the crew of a town hall talks live; residents never receive a word of it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { purgeBackchannels } from '../../server/backchannel/retention.js';
import { createLogger } from '../../server/core/log.js';
import { DEFAULT_SETTINGS } from '../../shared/record.js';
import type { StaffRole } from '../../shared/roles.js';
import { command, nextEvent, startTestServer, unwrap, type ClientSocket, type Session, type TestServer } from '../support/server.js';

const DAY_MS = 86_400_000;

describe.each(['sqlite', 'redis'] as const)('the staff backchannel on the %s store', (store) => {
  let server: TestServer;

  const enter = async (session: Session, townHallId: string) => {
    const socket = await server.connect(session);
    const snapshot = unwrap(await command(socket, 'townhall:join', { townHallId }));
    return { socket, snapshot };
  };
  const staffIn = async (role: StaffRole, townHallId: string) => enter(await server.staff(role), townHallId);
  /** A town hall hosted by a fresh officer, who has joined it. */
  const hosted = async () => {
    const session = await server.staff('officer', 'Officer Host');
    const { id: townHallId } = await server.townHall({ hosts: [{ id: session.me.id, displayName: session.me.displayName }] });
    return { townHallId, host: await enter(session, townHallId) };
  };
  /** Everything a connection receives, framed facts unpacked, as raw text to search. */
  const wiretap = (socket: ClientSocket): string[] => {
    const heard: string[] = [];
    socket.onAny((event: string, ...args: unknown[]) => heard.push(JSON.stringify([event, ...args])));
    return heard;
  };

  beforeAll(async () => {
    server = await startTestServer({ store });
  });
  afterAll(() => server.close());

  it('carries a message live to the host, moderators, captioners and admins, and keeps it', async () => {
    const { townHallId, host } = await hosted();
    const crew = await Promise.all((['moderator', 'captioner', 'admin'] as const).map((role) => staffIn(role, townHallId)));
    for (const { snapshot } of [host, ...crew]) expect(snapshot.backchannel).toEqual({ townHallId, messages: [] });
    const heard = [host, ...crew].map(({ socket }) => nextEvent(socket, 'backchannel:posted'));
    const sent = unwrap(await command(crew[0]!.socket, 'backchannel:send', { townHallId, text: '  Take the Elm Street question next.  ' }));
    expect(sent).toEqual({
      id: expect.any(String),
      townHallId,
      text: 'Take the Elm Street question next.',
      at: expect.any(Number),
      authorName: 'Staff moderator',
      authorRole: 'moderator',
    });
    for (const { message } of await Promise.all(heard)) expect(message).toEqual(sent);
    const late = await staffIn('captioner', townHallId);
    expect(late.snapshot.backchannel?.messages).toEqual([sent]);
  });

  it('sends residents nothing of it, even joined, and gives them no part of the snapshot', async () => {
    const { townHallId, host } = await hosted();
    const resident = await enter(await server.guest('Rosa Resident'), townHallId);
    const officer = await staffIn('officer', townHallId);
    expect(resident.snapshot.backchannel).toBeNull();
    expect(officer.snapshot.backchannel).toBeNull();
    const residentHeard = wiretap(resident.socket);
    const officerHeard = wiretap(officer.socket);
    unwrap(await command(host.socket, 'backchannel:send', { townHallId, text: 'audio is low SECRET-CREW-NOTE' }));
    // A chat message sent after it is a barrier: the room's frame that carries it comes after
    // anything sent to the room before, so by then the note would have arrived.
    const barrier = [resident, officer].map(({ socket }) => nextEvent(socket, 'chat:message-posted', (p) => p.message.text === 'barrier'));
    unwrap(await command(host.socket, 'chat:send', { townHallId, text: 'barrier' }));
    await Promise.all(barrier);
    expect(residentHeard.join('\n')).not.toContain('SECRET-CREW-NOTE');
    expect(officerHeard.join('\n')).not.toContain('SECRET-CREW-NOTE');
    expect(residentHeard.some((raw) => raw.includes('backchannel'))).toBe(false);
    // Joining again, and the HTTP routes a resident can read, carry none of it either.
    expect(unwrap(await command(resident.socket, 'townhall:join', { townHallId })).backchannel).toBeNull();
    for (const path of [`/api/townhalls/${townHallId}`, '/api/townhalls']) {
      const res = await fetch(`${server.url}${path}`);
      expect(await res.text()).not.toContain('SECRET-CREW-NOTE');
    }
  });

  it('refuses a resident\'s message as FORBIDDEN, and an officer\'s who does not host, and stores neither', async () => {
    const { townHallId } = await hosted();
    const resident = await enter(await server.guest('Rosa Resident'), townHallId);
    const officer = await staffIn('officer', townHallId);
    for (const { socket } of [resident, officer]) {
      expect(await command(socket, 'backchannel:send', { townHallId, text: 'let me in' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    }
    expect(await server.stores.backchannel.all(townHallId)).toEqual([]);
  });

  it('refuses a message to a town hall not joined, an empty or overlong one, and one after the end', async () => {
    const { townHallId, host } = await hosted();
    const other = await hosted();
    expect(await command(host.socket, 'backchannel:send', { townHallId: other.townHallId, text: 'wrong room' })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    for (const text of ['', '   ', 'x'.repeat(501)]) {
      expect(await command(host.socket, 'backchannel:send', { townHallId, text })).toMatchObject({
        ok: false,
        error: { code: 'INVALID_PAYLOAD', fields: ['text'] },
      });
    }
    unwrap(await command(host.socket, 'backchannel:send', { townHallId, text: 'é'.repeat(500) }));
    unwrap(await command(host.socket, 'townhall:end', { townHallId }));
    expect(await command(host.socket, 'backchannel:send', { townHallId, text: 'after the end' })).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT' },
    });
    expect(await server.stores.backchannel.all(townHallId)).toHaveLength(1);
    expect(await server.stores.backchannel.all(other.townHallId)).toEqual([]);
  });

  it('stops reaching a connection that left the town hall', async () => {
    const { townHallId, host } = await hosted();
    const moderator = await staffIn('moderator', townHallId);
    unwrap(await command(moderator.socket, 'townhall:leave', { townHallId }));
    const heard = wiretap(moderator.socket);
    const hostHeard = nextEvent(host.socket, 'backchannel:posted');
    unwrap(await command(host.socket, 'backchannel:send', { townHallId, text: 'after you left' }));
    await hostHeard;
    // The moderator's own command answers after anything sent to it before.
    await command(moderator.socket, 'townhall:leave', { townHallId });
    expect(heard.join('\n')).not.toContain('after you left');
  });

  it('deletes an ended town hall\'s backchannel once its retention is over, and no other', async () => {
    const { townHallId, host } = await hosted();
    const live = await hosted();
    unwrap(await command(host.socket, 'backchannel:send', { townHallId, text: 'wrap up in five' }));
    unwrap(await command(live.host.socket, 'backchannel:send', { townHallId: live.townHallId, text: 'still going' }));
    const ended = unwrap(await command(host.socket, 'townhall:end', { townHallId }));
    await server.stores.settings.put({ ...DEFAULT_SETTINGS, backchannelRetentionDays: 2 });
    const deps = { backchannel: server.stores.backchannel, townHalls: server.app.townHalls, settings: server.stores.settings, log: createLogger('silent') };
    try {
      // Other tests' ended town halls are in the same server: count only this one's messages.
      await purgeBackchannels(deps, ended.endedAt! + 2 * DAY_MS - 1);
      expect(await server.stores.backchannel.all(townHallId)).toHaveLength(1);
      expect((await purgeBackchannels(deps, ended.endedAt! + 2 * DAY_MS)).messages).toBeGreaterThanOrEqual(1);
      expect(await server.stores.backchannel.all(townHallId)).toEqual([]);
      expect((await server.stores.backchannel.all(live.townHallId)).map((m) => m.text)).toEqual(['still going']);
      // A staff member joining afterwards finds it empty.
      expect((await staffIn('moderator', townHallId)).snapshot.backchannel?.messages).toEqual([]);
    } finally {
      await server.stores.settings.put(DEFAULT_SETTINGS);
    }
  });
});
