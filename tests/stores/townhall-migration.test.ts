import { expect, it } from 'vitest';
import { openStores } from '../../server/stores.js';
import { oldSqliteFiles } from './old-sqlite.js';

const oldFile = oldSqliteFiles();

it('reads a town hall stored before hosts and the lifecycle existed as one without hosts', async () => {
  const file = await oldFile((old) => {
    old.exec(`CREATE TABLE town_halls (id TEXT PRIMARY KEY, title TEXT NOT NULL, description TEXT NOT NULL,
      starts_at REAL NOT NULL, status TEXT NOT NULL, moderation TEXT NOT NULL, created_at INTEGER NOT NULL) STRICT`);
    old.prepare('INSERT INTO town_halls VALUES (?, ?, ?, ?, ?, ?, ?)').run('old-hall-0000001', 'Before', '', 5, 'live', 'pre', 7);
  });

  const stores = await openStores({ kind: 'sqlite', file });
  try {
    expect(await stores.townHalls.get('old-hall-0000001')).toEqual({
      id: 'old-hall-0000001',
      title: 'Before',
      description: '',
      startsAt: 5,
      status: 'live',
      moderation: 'pre',
      hosts: [],
      createdAt: 7,
      startedAt: null,
      endedAt: null,
    });
    expect(await stores.townHalls.transition('old-hall-0000001', 'live', 'ended', 9)).toMatchObject({ endedAt: 9 });
  } finally {
    await stores.close();
  }
});
