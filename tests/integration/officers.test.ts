// The officers' own list of whom a follow-up may be assigned to (`GET /api/officers`): hosts who
// are not admins read it to assign, it names only enabled officers and admins, and it carries
// their public name and unit and nothing else (no username).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Assignee, Unit } from '../../shared/followups.js';
import { startTestServer, type Session, type TestServer } from '../support/server.js';

describe('the officers a follow-up may be assigned to', () => {
  let server: TestServer;
  let admin: Session;
  let officer: Session;
  let patrol: Unit;

  const call = async (method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown, session?: Session) => {
    const res = await fetch(`${server.url}/api${path}`, {
      method,
      headers: { 'content-type': 'application/json', origin: server.url, ...(session ? { cookie: session.cookie } : {}) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  beforeAll(async () => {
    server = await startTestServer();
    admin = await server.staff('admin', 'Admin Ada');
    officer = await server.staff('officer', 'Ofc. Ruiz');
    patrol = (await call('POST', '/admin/units', { en: 'Patrol', es: 'Patrulla' }, admin)).body.unit as Unit;
    expect((await call('PUT', `/staff/${officer.me.id}/unit`, { unitId: patrol.id }, admin)).status).toBe(200);
  });
  afterAll(() => server.close());

  it('lists enabled officers and admins with their name and unit only, for an officer who is not an admin', async () => {
    const moderator = await server.staff('moderator', 'Mod Mo');
    await server.staff('captioner', 'Cap Cy');
    const gone = await server.staff('officer', 'Ofc. Gone');
    expect((await call('POST', `/staff/${gone.me.id}/disable`, {}, admin)).status).toBe(200);

    const { status, body } = await call('GET', '/officers', undefined, officer);
    expect(status).toBe(200);
    const officers = body.officers as Assignee[];
    expect(officers.map((o) => o.displayName).sort()).toEqual(['Admin Ada', 'Ofc. Ruiz']);
    expect(officers.find((o) => o.id === officer.me.id)).toEqual({ id: officer.me.id, displayName: 'Ofc. Ruiz', unitId: patrol.id });
    expect(officers.find((o) => o.id === admin.me.id)).toEqual({ id: admin.me.id, displayName: 'Admin Ada', unitId: null });
    expect(officers.some((o) => o.id === moderator.me.id || o.id === gone.me.id)).toBe(false);
  });

  it('refuses anyone signed out, residents, moderators and captioners', async () => {
    expect(await call('GET', '/officers')).toMatchObject({ status: 401, body: { error: { code: 'UNAUTHENTICATED' } } });
    for (const session of [await server.guest('Resident Rae'), await server.staff('moderator'), await server.staff('captioner')]) {
      expect(await call('GET', '/officers', undefined, session)).toMatchObject({ status: 403, body: { error: { code: 'FORBIDDEN' } } });
    }
  });
});
