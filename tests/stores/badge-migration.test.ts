import { expect, it } from 'vitest';
import { openStores } from '../../server/stores.js';
import { oldSqliteFiles } from './old-sqlite.js';
import { connectRedis, rkey } from '../../server/storage/redis.js';
import { freshRedisUrl } from '../support/redis.js';

const oldFile = oldSqliteFiles();

// Files written before the staff badge named a role: questions and captions had no badge at all,
// chat messages only a staff flag.
it('reads questions, chat and captions that a SQLite file holds from before the staff role was kept, and keeps it from then on', async () => {
  const file = await oldFile((old) => {
    old.exec(`
      CREATE TABLE questions (id TEXT PRIMARY KEY, town_hall_id TEXT NOT NULL, author_id TEXT NOT NULL,
        author_name TEXT NOT NULL, anonymous INTEGER NOT NULL, text TEXT NOT NULL, created_at INTEGER NOT NULL,
        status TEXT NOT NULL, hold_reason TEXT, filter_hits TEXT NOT NULL, votes INTEGER NOT NULL,
        answer_state TEXT NOT NULL, answer TEXT, decision TEXT, answered_live_at INTEGER) STRICT;
      CREATE TABLE chat_messages (id TEXT PRIMARY KEY, town_hall_id TEXT NOT NULL, author_id TEXT NOT NULL,
        author_name TEXT NOT NULL, staff INTEGER NOT NULL, text TEXT NOT NULL, created_at INTEGER NOT NULL,
        status TEXT NOT NULL, hold_reason TEXT, filter_hits TEXT NOT NULL, decision TEXT) STRICT;
      CREATE TABLE caption_lines (seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, town_hall_id TEXT NOT NULL,
        author_id TEXT NOT NULL, text TEXT NOT NULL, at INTEGER NOT NULL) STRICT;
    `);
    old
      .prepare("INSERT INTO questions VALUES (?, 'th-old-0000001', 'asker-000001', 'Ana', 0, 'Old question', 5, 'published', NULL, '[]', 0, 'open', NULL, NULL, NULL)")
      .run('old-question-001');
    const chat = old.prepare("INSERT INTO chat_messages VALUES (?, 'th-old-0000001', ?, ?, ?, ?, ?, 'published', NULL, '[]', NULL)");
    chat.run('old-chat-000001', 'guest-000001', 'Officer Diaz', 0, 'from a guest', 6);
    chat.run('old-chat-000002', 'officer-00001', 'Officer Diaz', 1, 'from the officer', 7);
    old.prepare("INSERT INTO caption_lines (id, town_hall_id, author_id, text, at) VALUES ('old-caption-001', 'th-old-0000001', 'captioner-01', 'Welcome', 8)").run();
  });

  const stores = await openStores({ kind: 'sqlite', file });
  try {
    expect(await stores.questions.getQuestion('old-question-001')).toMatchObject({ authorName: 'Ana', authorRole: null });
    expect((await stores.chat.allPublished('th-old-0000001')).map((m) => [m.text, m.authorRole])).toEqual([
      ['from a guest', null],
      ['from the officer', 'officer'],
    ]);
    expect((await stores.captions.all('th-old-0000001')).map((l) => [l.authorRole, l.lang])).toEqual([[null, null]]);

    const line = await stores.captions.add({ townHallId: 'th-old-0000001', authorId: 'captioner-01', authorRole: 'captioner', text: 'Next' });
    expect((await stores.captions.all('th-old-0000001')).at(-1)).toEqual(line);
    const message = await stores.chat.add({
      townHallId: 'th-old-0000001',
      authorId: 'moderator-0001',
      authorName: 'Mod Sam',
      authorRole: 'moderator',
      text: 'Welcome back',
      status: 'published',
      holdReason: null,
      filterHits: [],
    });
    expect(await stores.chat.get(message.id)).toEqual(message);
  } finally {
    await stores.close();
  }
});

it('gives chat messages that Redis holds from before the staff role was kept their badge once, at start, and reads caption lines without one', async () => {
  const url = await freshRedisUrl();
  // Written as the store wrote them then, into a Redis that no version of the schema has touched.
  const old = await connectRedis(url);
  const message = (id: string, staff: '0' | '1', text: string) => ({
    id,
    townHallId: 'th-old-0000002',
    authorId: 'author-000001',
    authorName: 'Officer Diaz',
    staff,
    text,
    createdAt: '7',
    status: 'published',
  });
  await old.hSet(rkey('chat', 'old-chat-000003'), message('old-chat-000003', '1', 'from the officer'));
  await old.hSet(rkey('chat', 'old-chat-000004'), message('old-chat-000004', '0', 'from a guest'));
  await old.rPush(
    rkey('townhall', 'th-old-0000002', 'captions'),
    JSON.stringify({ id: 'old-caption-002', townHallId: 'th-old-0000002', authorId: 'captioner-01', text: 'Welcome', at: 8 }),
  );

  const stores = await openStores({ kind: 'redis', url });
  try {
    expect(stores.migrated).toContainEqual(expect.objectContaining({ feature: 'chat', version: 2 }));
    expect(await stores.chat.get('old-chat-000003')).toMatchObject({ authorRole: 'officer', text: 'from the officer' });
    expect(await stores.chat.get('old-chat-000004')).toMatchObject({ authorRole: null, text: 'from a guest' });
    // The flag is gone: the badge is now stored as every message made since stores it.
    expect(await old.hGet(rkey('chat', 'old-chat-000003'), 'staff')).toBeNull();
    expect(await old.hGet(rkey('chat', 'old-chat-000003'), 'authorRole')).toBe('officer');
    expect(await stores.captions.all('th-old-0000002')).toEqual([
      { id: 'old-caption-002', townHallId: 'th-old-0000002', authorId: 'captioner-01', authorRole: null, text: 'Welcome', at: 8, lang: null },
    ]);
  } finally {
    await stores.close();
    await old.close();
  }
});

it('reads questions a SQLite file holds from before topics as filed under none, and files them from then on', async () => {
  const file = await oldFile((old) => {
    old.exec(`
      CREATE TABLE questions (id TEXT PRIMARY KEY, town_hall_id TEXT NOT NULL, author_id TEXT NOT NULL,
        author_name TEXT NOT NULL, anonymous INTEGER NOT NULL, text TEXT NOT NULL, created_at INTEGER NOT NULL,
        status TEXT NOT NULL, hold_reason TEXT, filter_hits TEXT NOT NULL, votes INTEGER NOT NULL,
        answer_state TEXT NOT NULL, answer TEXT, decision TEXT, answered_live_at INTEGER, author_role TEXT) STRICT;
    `);
    old
      .prepare("INSERT INTO questions VALUES (?, 'th-old-0000001', 'asker-000001', 'Ana', 0, 'Old question', 5, 'published', NULL, '[]', 0, 'open', NULL, NULL, NULL, NULL)")
      .run('old-question-002');
  });
  const stores = await openStores({ kind: 'sqlite', file });
  try {
    expect(await stores.questions.getQuestion('old-question-002')).toMatchObject({ text: 'Old question', topicId: null });
    expect((await stores.questions.setTopic('old-question-002', 'topic-traffic-01'))?.topicId).toBe('topic-traffic-01');
  } finally {
    await stores.close();
  }
});
