import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TownHall } from '../../shared/townhall.js';
import { command, nextEvent, startTestServer, unwrap, type Session, type TestServer } from '../support/server.js';

describe.each(['sqlite', 'redis'] as const)('town hall lifecycle on the %s store', (store) => {
  let server: TestServer;
  let officer: Session, otherOfficer: Session, admin: Session, resident: Session;

  const api = async (session: Session | null, method: string, route: string, body?: unknown) => {
    const res = await fetch(`${server.url}/api${route}`, {
      method,
      headers: { 'content-type': 'application/json', ...(session ? { cookie: session.cookie } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as { townHall?: TownHall; error?: { code: string; fields?: string[] } } };
  };
  const schedule = async (by: Session, extra: Record<string, unknown> = {}) => {
    const res = await api(by, 'POST', '/townhalls', { title: 'Traffic on Elm Street', description: 'Speeding and crossings.', startsAt: Date.now() + 3_600_000, ...extra });
    expect(res.status).toBe(201);
    return res.body.townHall!;
  };

  beforeAll(async () => {
    server = await startTestServer({ store });
    [officer, otherOfficer, admin, resident] = await Promise.all([
      server.staff('officer', 'Sgt. Reyes'),
      server.staff('officer', 'Lt. Okafor'),
      server.staff('admin', 'Admin'),
      server.guest('Ana'),
    ]);
  });
  afterAll(() => server.close());

  it('schedules a town hall hosted by the officer who scheduled it, listed publicly', async () => {
    const hall = await schedule(officer, { moderation: 'pre' });
    expect(hall).toMatchObject({ status: 'scheduled', moderation: 'pre', startedAt: null, endedAt: null });
    expect(hall.hosts).toEqual([{ id: officer.me.id, displayName: 'Sgt. Reyes' }]);
    const listed = await api(null, 'GET', '/townhalls');
    expect((listed.body as unknown as { townHalls: TownHall[] }).townHalls.map((t) => t.id)).toContain(hall.id);
    expect((await api(null, 'GET', `/townhalls/${hall.id}`)).body.townHall).toEqual(hall);
  });

  it('names other officers as hosts and refuses residents or unknown people as hosts', async () => {
    const hall = await schedule(officer, { hostIds: [officer.me.id, otherOfficer.me.id] });
    expect(hall.hosts.map((h) => h.displayName)).toEqual(['Sgt. Reyes', 'Lt. Okafor']);
    for (const hostIds of [[resident.me.id], ['nobody-at-all-001'], []]) {
      const refused = await api(officer, 'POST', '/townhalls', { title: 'Bad hosts', description: '', startsAt: 1, hostIds });
      expect(refused.status).toBe(400);
      expect(refused.body.error).toMatchObject({ code: 'INVALID_PAYLOAD', fields: ['hostIds'] });
    }
  });

  it('lets only officers schedule, and only hosts edit', async () => {
    const before = (await api(null, 'GET', '/townhalls')).body as unknown as { townHalls: TownHall[] };
    expect((await api(resident, 'POST', '/townhalls', { title: 'Mine', description: '', startsAt: 1 })).status).toBe(403);
    expect((await api(null, 'POST', '/townhalls', { title: 'Mine', description: '', startsAt: 1 })).status).toBe(401);
    expect((await api(officer, 'POST', '/townhalls', { title: 'x', description: '', startsAt: -4 })).body.error).toMatchObject({
      code: 'INVALID_PAYLOAD',
      fields: expect.arrayContaining(['title', 'startsAt']),
    });
    const after = (await api(null, 'GET', '/townhalls')).body as unknown as { townHalls: TownHall[] };
    expect(after.townHalls).toHaveLength(before.townHalls.length);

    const hall = await schedule(officer);
    expect((await api(otherOfficer, 'PATCH', `/townhalls/${hall.id}`, { title: 'Taken over' })).status).toBe(403);
    const edited = await api(officer, 'PATCH', `/townhalls/${hall.id}`, { title: 'Traffic and parking' });
    expect(edited.body.townHall).toEqual({ ...hall, title: 'Traffic and parking' });
    expect((await api(admin, 'PATCH', `/townhalls/${hall.id}`, { description: 'Moved online.' })).status).toBe(200);
  });

  it('goes live and ends by its hosts only, telling everyone in it, and freezes Q&A once ended', async () => {
    const hall = await schedule(officer);
    const [host, stranger, watcher] = await Promise.all([officer, otherOfficer, resident].map(server.connect));
    for (const s of [host!, watcher!]) unwrap(await command(s, 'townhall:join', { townHallId: hall.id }));

    for (const s of [stranger!, watcher!]) {
      expect(await command(s, 'townhall:start', { townHallId: hall.id })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    }
    expect(await command(host!, 'townhall:end', { townHallId: 'not an id' })).toMatchObject({ ok: false, error: { code: 'INVALID_PAYLOAD' } });
    expect(await command(host!, 'townhall:start', { townHallId: 'unknown-hall-0001' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect((await server.app.townHalls.require(hall.id)).status).toBe('scheduled');

    const seesLive = nextEvent(watcher!, 'townhall:changed', (t) => t.id === hall.id && t.status === 'live');
    const live = unwrap(await command(host!, 'townhall:start', { townHallId: hall.id }));
    expect(live.startedAt).toBeGreaterThan(0);
    expect(await seesLive).toEqual(live);
    expect(await command(host!, 'townhall:start', { townHallId: hall.id })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });

    unwrap(await command(watcher!, 'qa:ask', { townHallId: hall.id, text: 'Will there be a crossing guard?' }));
    const seesEnded = nextEvent(watcher!, 'townhall:changed', (t) => t.status === 'ended');
    const ended = unwrap(await command(host!, 'townhall:end', { townHallId: hall.id }));
    expect(ended.endedAt).toBeGreaterThanOrEqual(live.startedAt!);
    expect((await seesEnded).endedAt).toBe(ended.endedAt);
    expect(await command(host!, 'townhall:end', { townHallId: hall.id })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    // Another resident: asking spends a budget of one question per 15 s before anything else.
    const late = await server.guest('Bea').then(server.connect);
    unwrap(await command(late, 'townhall:join', { townHallId: hall.id }));
    expect(await command(late, 'qa:ask', { townHallId: hall.id, text: 'One more?' })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    expect((await api(officer, 'PATCH', `/townhalls/${hall.id}`, { title: 'Rewrite history' })).status).toBe(409);
  });

  it('starts once when two hosts press at the same moment', async () => {
    const hall = await schedule(officer, { hostIds: [officer.me.id, otherOfficer.me.id] });
    const [a, b] = await Promise.all([officer, otherOfficer].map(server.connect));
    const results = await Promise.all([command(a!, 'townhall:start', { townHallId: hall.id }), command(b!, 'townhall:start', { townHallId: hall.id })]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok).map((r) => !r.ok && r.error.code)).toEqual(['CONFLICT']);
  });
});
