// Units end to end on both stores: admins keep the list over HTTP (the same code as the topics),
// everyone reads it, and an admin puts a staff account in a unit.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Unit } from '../../shared/followups.js';
import type { StaffMember } from '../../shared/session.js';
import { startTestServer, type Session, type TestServer } from '../support/server.js';

describe.each(['sqlite', 'redis'] as const)('units on the %s store', (store) => {
  let server: TestServer;
  let admin: Session;
  let officer: Session;
  let patrol: Unit;

  const send = (method: 'POST' | 'PATCH' | 'PUT', path: string, body: unknown, session?: Session, origin = server.url) =>
    fetch(`${server.url}/api${path}`, {
      method,
      headers: { 'content-type': 'application/json', origin, ...(session ? { cookie: session.cookie } : {}) },
      body: JSON.stringify(body),
    });
  const addUnit = async (en: string, es?: string) => {
    const res = await send('POST', '/admin/units', { en, ...(es ? { es } : {}) }, admin);
    expect(res.status).toBe(201);
    return ((await res.json()) as { unit: Unit }).unit;
  };
  const staffList = async () =>
    ((await (await fetch(`${server.url}/api/staff`, { headers: { cookie: admin.cookie } })).json()) as { staff: StaffMember[] }).staff;

  beforeAll(async () => {
    server = await startTestServer({ store });
    admin = await server.staff('admin', 'Admin');
    officer = await server.staff('officer', 'Ofc. Ruiz');
    patrol = await addUnit('Patrol', 'Patrulla');
  });
  afterAll(() => server.close());

  it('lets admins add and rename units, and everyone read them, apart from the topics', async () => {
    const traffic = await addUnit('Traffic');
    expect(traffic.name).toEqual({ en: 'Traffic', es: 'Traffic' });
    const renamed = await send('PATCH', `/admin/units/${traffic.id}`, { es: 'Tránsito' }, admin);
    expect(((await renamed.json()) as { unit: Unit }).unit).toEqual({ ...traffic, name: { en: 'Traffic', es: 'Tránsito' } });
    const res = await fetch(`${server.url}/api/units`);
    expect(((await res.json()) as { units: Unit[] }).units.map((u) => u.name.es)).toEqual(['Patrulla', 'Tránsito']);
    expect(((await (await fetch(`${server.url}/api/topics`)).json()) as { topics: unknown[] }).topics).toEqual([]);
  });

  it('refuses unit changes from anyone but an admin, from another origin, or malformed, and changes nothing', async () => {
    const before = await server.stores.units.list();
    expect((await send('POST', '/admin/units', { en: 'Vice' })).status).toBe(401);
    expect(await (await send('POST', '/admin/units', { en: 'Vice' }, officer)).json()).toMatchObject({ error: { code: 'FORBIDDEN' } });
    expect((await send('POST', '/admin/units', { en: 'Vice' }, admin, 'https://evil.example')).status).toBe(403);
    expect(await (await send('POST', '/admin/units', { en: 'V' }, admin)).json()).toMatchObject({ error: { code: 'INVALID_PAYLOAD' } });
    expect(await (await send('PATCH', '/admin/units/no-such-unit-0', { en: 'Vice' }, admin)).json()).toMatchObject({
      error: { code: 'NOT_FOUND' },
    });
    expect(await server.stores.units.list()).toEqual(before);
  });

  it('lets an admin put a staff account in a unit and take it out, and refuses unknown or retired units', async () => {
    expect((await staffList()).find((s) => s.id === officer.me.id)?.unitId).toBeNull();
    const put = await send('PUT', `/staff/${officer.me.id}/unit`, { unitId: patrol.id }, admin);
    expect(((await put.json()) as { staff: StaffMember }).staff).toMatchObject({ id: officer.me.id, unitId: patrol.id });
    expect((await staffList()).find((s) => s.id === officer.me.id)?.unitId).toBe(patrol.id);

    const old = await addUnit('Old unit');
    await send('PATCH', `/admin/units/${old.id}`, { retired: true }, admin);
    for (const unitId of [old.id, 'no-such-unit-00']) {
      expect(await (await send('PUT', `/staff/${officer.me.id}/unit`, { unitId }, admin)).json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
    }
    expect(await (await send('PUT', `/staff/${officer.me.id}/unit`, { unitId: patrol.id }, officer)).json()).toMatchObject({
      error: { code: 'FORBIDDEN' },
    });
    expect(await (await send('PUT', `/staff/${officer.me.id}/unit`, {}, admin)).json()).toMatchObject({ error: { code: 'INVALID_PAYLOAD' } });
    expect((await staffList()).find((s) => s.id === officer.me.id)?.unitId).toBe(patrol.id);

    await send('PUT', `/staff/${officer.me.id}/unit`, { unitId: null }, admin);
    expect((await staffList()).find((s) => s.id === officer.me.id)?.unitId).toBeNull();
  });
});
