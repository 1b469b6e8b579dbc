import { expect, it } from 'vitest';
import { openStores } from '../../server/stores.js';
import { oldSqliteFiles } from './old-sqlite.js';

const oldFile = oldSqliteFiles();

it('reads an account stored before accounts could be disabled as enabled, and can disable it', async () => {
  const file = await oldFile((old) => {
    old.exec(`CREATE TABLE users (id TEXT PRIMARY KEY, kind TEXT NOT NULL, role TEXT NOT NULL, display_name TEXT NOT NULL,
      username TEXT UNIQUE, password_hash TEXT, created_at INTEGER NOT NULL) STRICT`);
    old.prepare('INSERT INTO users VALUES (?, ?, ?, ?, ?, ?, ?)').run('old-officer-0001', 'account', 'officer', 'Sgt. Old', 'old.sgt', '$argon2id$x', 7);
  });

  const stores = await openStores({ kind: 'sqlite', file });
  try {
    expect(await stores.identity.getUser('old-officer-0001')).toEqual({
      id: 'old-officer-0001',
      kind: 'account',
      role: 'officer',
      displayName: 'Sgt. Old',
      username: 'old.sgt',
      passwordHash: '$argon2id$x',
      createdAt: 7,
      disabled: false,
      unitId: null,
    });
    expect(await stores.identity.setDisabled('old-officer-0001', true)).toBe('ok');
    expect(await stores.identity.findByUsername('old.sgt')).toMatchObject({ disabled: true });
  } finally {
    await stores.close();
  }
});
