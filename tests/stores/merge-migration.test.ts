import { expect, it } from 'vitest';
import { openStores } from '../../server/stores.js';
import { oldSqliteFiles } from './old-sqlite.js';
import { connectRedis, rkey } from '../../server/storage/redis.js';
import { freshRedisUrl } from '../support/redis.js';

const oldFile = oldSqliteFiles();

// Files written before questions could be merged have no merge columns: their questions read as
// merging nothing, keep their votes, and can be merged from then on.
it('reads questions of a SQLite file from before merging, with their votes, and merges them', async () => {
  const file = await oldFile((old) => {
    old.exec(`
      CREATE TABLE questions (id TEXT PRIMARY KEY, town_hall_id TEXT NOT NULL, author_id TEXT NOT NULL,
        author_name TEXT NOT NULL, anonymous INTEGER NOT NULL, text TEXT NOT NULL, created_at INTEGER NOT NULL,
        status TEXT NOT NULL, hold_reason TEXT, filter_hits TEXT NOT NULL, votes INTEGER NOT NULL,
        answer_state TEXT NOT NULL, answer TEXT, decision TEXT, answered_live_at INTEGER, author_role TEXT) STRICT;
      CREATE TABLE question_votes (question_id TEXT NOT NULL REFERENCES questions (id) ON DELETE CASCADE,
        user_id TEXT NOT NULL, town_hall_id TEXT NOT NULL, PRIMARY KEY (question_id, user_id)) STRICT, WITHOUT ROWID;
    `);
    const question = old.prepare(
      "INSERT INTO questions VALUES (?, 'th-old-0000001', ?, 'Ana', 0, ?, ?, 'published', NULL, '[]', ?, 'open', NULL, NULL, NULL, NULL)",
    );
    question.run('old-question-001', 'asker-000001', 'Old question', 5, 2);
    question.run('old-question-002', 'asker-000002', 'Old duplicate', 6, 1);
    const vote = old.prepare("INSERT INTO question_votes VALUES (?, ?, 'th-old-0000001')");
    vote.run('old-question-001', 'voter-a');
    vote.run('old-question-001', 'voter-b');
    vote.run('old-question-002', 'voter-b');
  });

  const stores = await openStores({ kind: 'sqlite', file });
  try {
    expect(await stores.questions.getQuestion('old-question-001')).toMatchObject({ votes: 2, mergedInto: null, mergedCount: 0, alsoAskedBy: 0 });
    const merged = await stores.questions.mergeQuestions('old-question-001', ['old-question-002']);
    expect(merged).toMatchObject({ ok: true, target: { votes: 2, mergedCount: 1, alsoAskedBy: 1 } });
  } finally {
    await stores.close();
  }
});

it('reads questions that Redis holds from before merging as merging nothing', async () => {
  const url = await freshRedisUrl();
  const raw = await connectRedis(url);
  await raw.hSet(rkey('question', 'old-question-001'), {
    id: 'old-question-001',
    townHallId: 'th-old-0000001',
    authorId: 'asker-000001',
    authorName: 'Ana',
    anonymous: '0',
    text: 'Old question',
    createdAt: '5',
    status: 'published',
    votes: '1',
    answerState: 'open',
    filterHits: '[]',
  });
  await raw.sAdd(rkey('question', 'old-question-001', 'voters'), 'voter-a');
  await raw.close();
  const stores = await openStores({ kind: 'redis', url });
  try {
    expect(await stores.questions.getQuestion('old-question-001')).toMatchObject({ votes: 1, mergedInto: null, mergedCount: 0, alsoAskedBy: 0 });
    expect(await stores.questions.castVote('old-question-001', 'voter-b')).toEqual({ changed: true, votes: 2 });
  } finally {
    await stores.close();
  }
});
