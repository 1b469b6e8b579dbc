import { expect, it } from 'vitest';
import { openStores } from '../../server/stores.js';
import { oldSqliteFiles } from './old-sqlite.js';

const oldFile = oldSqliteFiles();

it('reads flags and sanctions stored before flags could be spent or sanctions given under a pseudonym', async () => {
  const file = await oldFile((old) => {
    old.exec(`
      CREATE TABLE content_flags (ref TEXT NOT NULL, user_id TEXT NOT NULL, reason TEXT NOT NULL, PRIMARY KEY (ref, user_id)) STRICT, WITHOUT ROWID;
      CREATE TABLE sanctions (id TEXT PRIMARY KEY, user_id TEXT NOT NULL, kind TEXT NOT NULL, town_hall_id TEXT, until INTEGER,
        reason TEXT NOT NULL, note TEXT, by TEXT NOT NULL, at INTEGER NOT NULL, lifted_at INTEGER, lifted_by TEXT) STRICT;`);
    old.prepare('INSERT INTO content_flags VALUES (?, ?, ?)').run('question:question-0001', 'flagger-1', 'spam');
    old.prepare('INSERT INTO sanctions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').run('sanction-000001', 'resident-0001', 'ban', null, null, 'spam', null, 'mod-1', 5, null, null);
  });

  const stores = await openStores({ kind: 'sqlite', file });
  try {
    const ref = { kind: 'question' as const, id: 'question-0001' };
    // An earlier flag counted, as it did when it was made.
    expect([await stores.moderation.queue.flagCount(ref), await stores.moderation.queue.countingFlagCount(ref)]).toEqual([1, 1]);
    expect(await stores.moderation.queue.addFlag(ref, 'flagger-1', 'spam')).toEqual({ added: false, count: 1 });
    expect(await stores.moderation.sanctions.sanctionsOf('resident-0001')).toMatchObject([{ id: 'sanction-000001', alias: null }]);
  } finally {
    await stores.close();
  }
});
