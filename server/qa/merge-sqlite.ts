import { addColumn, type SqliteStep } from '../storage/migrations.js';
import type { Database } from '../storage/sqlite.js';
import type { MergeOutcome, MergeRefusal, QuestionMerges, UnmergeOutcome } from './merge-store.js';
import type { QuestionRecord } from './store.js';

/**
 * Merging duplicates in the embedded store. A merged question keeps its row and its votes; the
 * survivor's count is the union of its own voters and those of the questions merged into it.
 * `read` is the question store's own row reader, so both read questions the same way.
 */

/** Merging's columns; questions stored before it merge nothing. */
export const mergeStep: SqliteStep = {
  why: 'merging similar questions',
  run(db) {
    addColumn(db, 'questions', 'merged_into', 'TEXT');
    addColumn(db, 'questions', 'merged_count', 'INTEGER NOT NULL DEFAULT 0');
    addColumn(db, 'questions', 'also_asked_by', 'INTEGER NOT NULL DEFAULT 0');
    // A survivor's group is read on every vote for it; a town hall's merged questions on every join.
    db.exec(`
      CREATE INDEX IF NOT EXISTS questions_merged_into ON questions (merged_into) WHERE merged_into IS NOT NULL;
      CREATE INDEX IF NOT EXISTS questions_merged ON questions (town_hall_id, created_at, id) WHERE status = 'merged';
    `);
  },
};

/**
 * The group of a question: itself and every question merged into it (`@id` names it). Written
 * as a list of ids, so each is looked up by the votes' primary key rather than scanning them.
 */
const GROUP = `question_id IN (SELECT @id UNION ALL SELECT id FROM questions WHERE merged_into = @id)`;

/** Statements the vote transaction shares with merging, so both read a group one way. */
export function groupVotes(db: Database) {
  return {
    supports: db.prepare<{ id: string; user: string }, number>(
      `SELECT EXISTS (SELECT 1 FROM question_votes WHERE user_id = @user AND ${GROUP})`,
    ).pluck(),
    retract: db.prepare<{ id: string; user: string }, void>(`DELETE FROM question_votes WHERE user_id = @user AND ${GROUP}`),
  };
}

export function createSqliteMerges(db: Database, read: (id: string) => QuestionRecord | null): QuestionMerges<QuestionRecord> {
  const group = groupVotes(db);
  const markMerged = db.prepare<{ id: string; target: string }, void>(
    "UPDATE questions SET status = 'merged', merged_into = @target WHERE id = @id",
  );
  const unmark = db.prepare<{ id: string }, void>(`
    UPDATE questions SET status = 'published', merged_into = NULL,
      votes = (SELECT count(*) FROM question_votes WHERE question_id = @id)
    WHERE id = @id`);
  const recountSurvivor = db.prepare<{ id: string }, void>(`
    UPDATE questions SET
      votes = (SELECT count(DISTINCT user_id) FROM question_votes WHERE ${GROUP}),
      merged_count = (SELECT count(*) FROM questions WHERE merged_into = @id),
      also_asked_by = (SELECT count(DISTINCT m.author_id) FROM questions m
        WHERE m.merged_into = @id AND m.author_id <> questions.author_id)
    WHERE id = @id`);
  const votersOf = db.prepare<[string], string>('SELECT user_id FROM question_votes WHERE question_id = ? ORDER BY user_id').pluck();
  const merged = db.prepare<[string], string>(
    "SELECT id FROM questions WHERE town_hall_id = ? AND status = 'merged' ORDER BY created_at, id",
  ).pluck();

  const refuse = (questionId: string, refused: MergeRefusal['refused']): MergeRefusal => ({ ok: false, questionId, refused });
  const refusal = (q: QuestionRecord | null, id: string): MergeRefusal | null => {
    if (!q) return refuse(id, 'missing');
    return q.status === 'published' ? null : refuse(id, q.status);
  };

  const merge = db.transaction((targetId: string, sourceIds: string[]): MergeOutcome<QuestionRecord> => {
    const target = read(targetId);
    const targetRefused = refusal(target, targetId);
    if (targetRefused || !target) return targetRefused!;
    const sources: QuestionRecord[] = [];
    for (const id of sourceIds) {
      const source = read(id);
      const refused = refusal(source, id);
      if (refused || !source) return refused!;
      if (source.townHallId !== target.townHallId) return refuse(id, 'other-town-hall');
      if (source.mergedCount > 0) return refuse(id, 'has-merged');
      sources.push(source);
    }
    for (const source of sources) markMerged.run({ id: source.id, target: target.id });
    recountSurvivor.run({ id: target.id });
    return { ok: true, target: read(target.id)!, sources: sources.map((s) => read(s.id)!) };
  });

  const unmerge = db.transaction((questionId: string): UnmergeOutcome<QuestionRecord> => {
    const source = read(questionId);
    if (!source) return { ok: false, refused: 'missing' };
    if (source.status !== 'merged' || source.mergedInto === null) return { ok: false, refused: 'not-merged' };
    const targetId = source.mergedInto;
    unmark.run({ id: source.id });
    recountSurvivor.run({ id: targetId });
    const voters = votersOf.all(source.id);
    const stillOnTarget = voters.filter((user) => group.supports.get({ id: targetId, user }) === 1);
    return { ok: true, source: read(source.id)!, target: read(targetId)!, voters, stillOnTarget };
  });

  return {
    async mergeQuestions(targetId, sourceIds) {
      return merge.immediate(targetId, sourceIds);
    },
    async unmergeQuestion(questionId) {
      return unmerge.immediate(questionId);
    },
    async listMerged(townHallId) {
      return merged.all(townHallId).flatMap((id) => read(id) ?? []);
    },
  };
}
