import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { command, startTestServer, unwrap, type ClientSocket, type TestServer } from '../support/server.js';

describe('slow mode in a town hall', () => {
  let server: TestServer;
  let townHallId: string;
  let officer: ClientSocket;

  beforeAll(async () => {
    server = await startTestServer();
    const host = await server.staff('officer');
    townHallId = (await server.townHall({ hosts: [{ id: host.me.id, displayName: host.me.displayName }] })).id;
    officer = await server.connect(host);
    unwrap(await command(officer, 'townhall:join', { townHallId }));
  });
  afterAll(() => server.close());

  it('stores the room\'s interval and tells everyone in the room', async () => {
    const resident = await server.connect(await server.guest('Patient'));
    unwrap(await command(resident, 'townhall:join', { townHallId }));
    const told = new Promise((resolve) => resident.once('mod:slow-mode-changed', resolve));
    unwrap(await command(officer, 'mod:set-slow-mode', { townHallId, seconds: 120 }));
    expect(await told).toEqual({ townHallId, seconds: 120 });
    expect(await server.stores.moderation.queue.getSlowMode({ kind: 'townhall', id: townHallId })).toBe(120);
    expect(unwrap(await command(resident, 'townhall:join', { townHallId })).qa.slowModeSeconds).toBe(120);

  });

  it('holds a resident to the room interval, well past the 15 s question limit', async () => {
    const { app } = server;
    const resident = await server.guest('Measured');
    const user = { id: resident.me.id, role: resident.me.role, displayName: resident.me.displayName };
    // Screening is the entrance's own step, run here twice in a row for the same place.
    const screen = () =>
      app.moderation.admit({ kind: 'chat', author: user, place: { kind: 'townhall', id: townHallId }, text: 'hello', mode: 'post' }, async () => null);
    await screen();
    await expect(screen()).rejects.toMatchObject({ code: 'RATE_LIMITED', extra: { retryAfterMs: expect.any(Number) } });
    const rejection = await screen().catch((err: { extra: { retryAfterMs: number } }) => err);
    expect((rejection as { extra: { retryAfterMs: number } }).extra.retryAfterMs).toBeGreaterThan(100_000);
  });

  it('does not slow staff, and turns off at zero', async () => {
    const staff = { id: 'staff-user', role: 'officer' as const, displayName: 'Officer' };
    const screen = (author: typeof staff | { id: string; role: 'resident'; displayName: string }) =>
      server.app.moderation.admit({ kind: 'chat', author, place: { kind: 'townhall', id: townHallId }, text: 'hi', mode: 'post' }, async () => null);
    await screen(staff);
    await screen(staff);
    unwrap(await command(officer, 'mod:set-slow-mode', { townHallId, seconds: 0 }));
    const resident = { id: 'someone-else', role: 'resident' as const, displayName: 'R' };
    await screen(resident);
    await screen(resident);
  });

  it('refuses slow mode from residents', async () => {
    const resident = await server.connect(await server.guest('Not staff'));
    const result = await command(resident, 'mod:set-slow-mode', { townHallId, seconds: 30 });
    expect(result).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  });
});
