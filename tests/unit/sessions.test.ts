// The session service over the real SQLite stores, for what the HTTP tests cannot time: a
// sign-in that read the account just before an admin changed it.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSqliteSessionStore } from '../../server/identity/session-store-sqlite.js';
import { createSessions, type Sessions } from '../../server/identity/sessions.js';
import { createSqliteIdentityStore } from '../../server/identity/store-sqlite.js';
import type { IdentityStore, UserRecord } from '../../server/identity/store.js';
import { SESSION_COOKIE } from '../../server/identity/tokens.js';
import { openSqlite, type Database } from '../../server/storage/sqlite.js';

describe('opening a session', () => {
  let db: Database;
  let users: IdentityStore;
  let sessions: Sessions;
  let officer: UserRecord;
  const disconnected: string[] = [];

  beforeEach(async () => {
    db = openSqlite(path.join(mkdtempSync(path.join(tmpdir(), 'rt-sessions-')), 'rt.db'));
    users = createSqliteIdentityStore(db);
    sessions = createSessions({
      store: createSqliteSessionStore(db),
      users,
      secret: 'unit-test-secret-unit-test-secret-000',
      secureCookies: false,
      disconnect: { session: (id) => disconnected.push(`session:${id}`), user: (id) => disconnected.push(`user:${id}`) },
    });
    officer = (await users.createUser({ kind: 'account', role: 'officer', displayName: 'Ofc. Lee', username: 'lee', passwordHash: '$old' }))!;
  });
  afterEach(() => db.close());

  const header = (token: string) => `${SESSION_COOKIE}=${token}`;

  it('opens a live session for an account as it still is', async () => {
    const { token, ttlMs } = await sessions.open(officer);
    expect(ttlMs).toBe(12 * 3600_000);
    expect(await sessions.fromCookieHeader(header(token))).toMatchObject({ user: { id: officer.id, role: 'officer' } });
  });

  it('refuses a sign-in that checked the old password of an account reset meanwhile', async () => {
    await users.setPasswordHash(officer.id, '$new');
    await expect(sessions.open(officer)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('refuses a sign-in of an account disabled meanwhile, and reads its sessions as ended', async () => {
    const { token } = await sessions.open(officer);
    await users.setDisabled(officer.id, true);
    await expect(sessions.open(officer)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(await sessions.fromCookieHeader(header(token))).toBeNull();
  });

  it('disconnects the sockets of what it ends', async () => {
    const { token } = await sessions.open(officer);
    const live = (await sessions.fromCookieHeader(header(token)))!;
    disconnected.length = 0;
    await sessions.end(live.id);
    await sessions.endAll(officer.id);
    expect(disconnected).toEqual([`session:${live.id}`, `user:${officer.id}`]);
  });
});
