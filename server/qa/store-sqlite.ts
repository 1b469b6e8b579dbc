import type { HoldReason } from '../../shared/moderation.js';
import type { AnswerState, QuestionStatus } from '../../shared/qa.js';
import type { StaffRole } from '../../shared/roles.js';
import type { Database } from '../storage/sqlite.js';
import type { NewQuestion, QuestionRecord, QuestionRef, QuestionStore, VoteChange } from './store.js';
import { newQuestionRecord, plainAnswer } from './store-records.js';
import { plainDecision } from '../moderation/stored.js';
import { createSqliteMerges, groupVotes, mergeStep } from './merge-sqlite.js';
import { addColumn, migrateSqlite, type SqliteSchema } from '../storage/migrations.js';

interface QuestionRow {
  id: string;
  town_hall_id: string;
  author_id: string;
  author_name: string;
  author_role: StaffRole | null;
  anonymous: 0 | 1;
  text: string;
  created_at: number;
  status: QuestionStatus;
  hold_reason: HoldReason | null;
  filter_hits: string;
  votes: number;
  answer_state: AnswerState;
  answer: string | null;
  answered_live_at: number | null;
  topic_id: string | null;
  decision: string | null;
  merged_into: string | null;
  merged_count: number;
  also_asked_by: number;
}

const fromRow = (r: QuestionRow): QuestionRecord => ({
  id: r.id,
  townHallId: r.town_hall_id,
  authorId: r.author_id,
  authorName: r.author_name,
  authorRole: r.author_role,
  anonymous: r.anonymous === 1,
  text: r.text,
  createdAt: r.created_at,
  status: r.status,
  holdReason: r.hold_reason,
  filterHits: JSON.parse(r.filter_hits),
  votes: r.votes,
  answerState: r.answer_state,
  answer: r.answer === null ? null : JSON.parse(r.answer),
  answeredLiveAt: r.answered_live_at,
  topicId: r.topic_id,
  decision: r.decision === null ? null : JSON.parse(r.decision),
  mergedInto: r.merged_into,
  mergedCount: r.merged_count,
  alsoAskedBy: r.also_asked_by,
});

const orNull = (row: QuestionRow | undefined): QuestionRecord | null => (row ? fromRow(row) : null);

const idOf = (question: QuestionRef): string => (typeof question === 'string' ? question : question.id);

/** The questions' tables, step by step; see server/storage/migrations.ts. */
export const questionSchema: SqliteSchema = {
  feature: 'qa',
  steps: [
    {
      // Votes keep their town hall beside them so votesBy needs no join. The partial index is the
      // one listVisible reads, so removed and rejected questions cost it nothing. It replaces
      // questions_visible, whose condition predates the hidden status: a partial index is never
      // altered by CREATE IF NOT EXISTS, so the old one is dropped by name.
      why: 'questions and their votes',
      run: (db) =>
        db.exec(`
          CREATE TABLE IF NOT EXISTS questions (
            id TEXT PRIMARY KEY,
            town_hall_id TEXT NOT NULL,
            author_id TEXT NOT NULL,
            author_name TEXT NOT NULL,
            anonymous INTEGER NOT NULL,
            text TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            status TEXT NOT NULL,
            hold_reason TEXT,
            filter_hits TEXT NOT NULL,
            votes INTEGER NOT NULL,
            answer_state TEXT NOT NULL,
            answer TEXT,
            decision TEXT
          ) STRICT;
          DROP INDEX IF EXISTS questions_visible;
          CREATE INDEX IF NOT EXISTS questions_listed ON questions (town_hall_id, created_at, id)
            WHERE status IN ('held', 'hidden', 'published');
          CREATE TABLE IF NOT EXISTS question_votes (
            question_id TEXT NOT NULL REFERENCES questions (id) ON DELETE CASCADE,
            user_id TEXT NOT NULL,
            town_hall_id TEXT NOT NULL,
            PRIMARY KEY (question_id, user_id)
          ) STRICT, WITHOUT ROWID;
          CREATE INDEX IF NOT EXISTS question_votes_by_user ON question_votes (town_hall_id, user_id);
          CREATE INDEX IF NOT EXISTS questions_by_town_hall ON questions (town_hall_id, created_at, id);
        `),
    },
    {
      why: 'when a question was answered live (the public record)',
      run: (db) => void addColumn(db, 'questions', 'answered_live_at', 'INTEGER'),
    },
    {
      // Questions asked before the staff badge have none (null), as they had then.
      why: "the asker's staff badge",
      run: (db) => void addColumn(db, 'questions', 'author_role', 'TEXT'),
    },
    {
      // Questions asked before topics have none.
      why: "a question's topic",
      run: (db) => void addColumn(db, 'questions', 'topic_id', 'TEXT'),
    },
    mergeStep,
  ],
};

export function createSqliteQuestionStore(db: Database): QuestionStore {
  migrateSqlite(db, [questionSchema]);

  const insert = db.prepare<[Omit<QuestionRow, 'merged_into' | 'merged_count' | 'also_asked_by'>], void>(`
    INSERT INTO questions (id, town_hall_id, author_id, author_name, author_role, anonymous, text, created_at,
      status, hold_reason, filter_hits, votes, answer_state, answer, answered_live_at, topic_id, decision)
    VALUES (@id, @town_hall_id, @author_id, @author_name, @author_role, @anonymous, @text, @created_at,
      @status, @hold_reason, @filter_hits, @votes, @answer_state, @answer, @answered_live_at, @topic_id, @decision)`);
  const setTopic = db.prepare<[string | null, string], QuestionRow>(`
    UPDATE questions SET topic_id = ?
    WHERE id = ? AND status IN ('held', 'hidden', 'published') RETURNING *`);
  const forRecord = db.prepare<[string], QuestionRow>('SELECT * FROM questions WHERE town_hall_id = ? ORDER BY created_at, id');
  const forgetNames = db.prepare<[string, string, string, string], void>(`
    UPDATE questions SET author_name = ?
    WHERE town_hall_id = ? AND author_id IN (SELECT value FROM json_each(?)) AND author_name <> ?`);
  const byId = db.prepare<[string], QuestionRow>('SELECT * FROM questions WHERE id = ?');
  const visible = db.prepare<[string], QuestionRow>(`
    SELECT * FROM questions WHERE town_hall_id = ? AND status IN ('held', 'hidden', 'published')
    ORDER BY created_at, id`);
  const addVote = db.prepare<[string, string, string], void>(
    'INSERT INTO question_votes (question_id, user_id, town_hall_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
  );
  const removeVote = db.prepare<[string, string], void>(
    'DELETE FROM question_votes WHERE question_id = ? AND user_id = ?',
  );
  const recount = db.prepare<[string, string], number>(`
    UPDATE questions SET votes = (SELECT count(*) FROM question_votes WHERE question_id = ?)
    WHERE id = ? RETURNING votes`).pluck();
  const group = groupVotes(db);
  const step = db.prepare<[number, string], number>('UPDATE questions SET votes = votes + ? WHERE id = ? RETURNING votes').pluck();
  // A vote on a merged question is support for the question it was merged into.
  const votesBy = db.prepare<[string, string], string>(`
    SELECT DISTINCT coalesce(q.merged_into, v.question_id) AS id FROM question_votes v JOIN questions q ON q.id = v.question_id
    WHERE v.town_hall_id = ? AND v.user_id = ? ORDER BY id`).pluck();
  const transition = db.prepare<[string, string, string, string], QuestionRow>(`
    UPDATE questions SET status = ?, decision = ?
    WHERE id = ? AND status IN (SELECT value FROM json_each(?)) RETURNING *`);
  const setAnswerState = db.prepare<{ state: AnswerState; at: number; id: string }, QuestionRow>(`
    UPDATE questions SET answer_state = @state,
      answered_live_at = CASE WHEN @state = 'answered' THEN coalesce(answered_live_at, @at) ELSE NULL END
    WHERE id = @id AND status = 'published' RETURNING *`);
  const setAnswer = db.prepare<[string, string], QuestionRow>(`
    UPDATE questions SET answer = ?, answer_state = 'answered'
    WHERE id = ? AND status = 'published' RETURNING *`);

  // IMMEDIATE takes the write lock up front, so a second process cannot slip a vote in between
  // the status check and the write. A person supports a question through a vote on it or on a
  // question merged into it (merge-store.ts): casting again adds nothing, retracting takes all.
  const vote = db.transaction((questionId: string, userId: string, cast: boolean): VoteChange | null => {
    const q = byId.get(questionId);
    if (!q || q.status !== 'published') return null;
    if (q.merged_count === 0) {
      const { changes } = cast ? addVote.run(questionId, userId, q.town_hall_id) : removeVote.run(questionId, userId);
      if (changes === 0) return { changed: false, votes: q.votes };
      return { changed: true, votes: recount.get(questionId, questionId) ?? 0 };
    }
    // With others merged into it, a changed vote moves the count of distinct supporters by
    // exactly one (merging and undoing rewrite it from the votes), which spares a count over the
    // whole group on every vote.
    const before = group.supports.get({ id: questionId, user: userId }) === 1;
    if (before === cast) return { changed: false, votes: q.votes };
    if (cast) addVote.run(questionId, userId, q.town_hall_id);
    else group.retract.run({ id: questionId, user: userId });
    return { changed: true, votes: step.get(cast ? 1 : -1, questionId) ?? 0 };
  });

  return {
    ...createSqliteMerges(db, (id) => orNull(byId.get(id))),
    async addQuestion(input: NewQuestion) {
      const record = newQuestionRecord(input);
      insert.run({
        id: record.id,
        town_hall_id: record.townHallId,
        author_id: record.authorId,
        author_name: record.authorName,
        author_role: record.authorRole,
        anonymous: record.anonymous ? 1 : 0,
        text: record.text,
        created_at: record.createdAt,
        status: record.status,
        hold_reason: record.holdReason,
        filter_hits: JSON.stringify(record.filterHits),
        votes: 0,
        answer_state: record.answerState,
        answer: null,
        answered_live_at: null,
        topic_id: record.topicId,
        decision: null,
      });
      return record;
    },
    async getQuestion(id) {
      return orNull(byId.get(id));
    },
    async listVisible(townHallId) {
      return visible.all(townHallId).map(fromRow);
    },
    async castVote(question, userId) {
      return vote.immediate(idOf(question), userId, true);
    },
    async retractVote(question, userId) {
      return vote.immediate(idOf(question), userId, false);
    },
    async votesBy(townHallId, userId) {
      return votesBy.all(townHallId, userId);
    },
    async transition(id, from, to, decision) {
      return orNull(transition.get(to, JSON.stringify(plainDecision(decision)), id, JSON.stringify(from)));
    },
    async setAnswerState(id, state, at = Date.now()) {
      return orNull(setAnswerState.get({ state, at, id }));
    },
    async setAnswer(id, answer) {
      return orNull(setAnswer.get(JSON.stringify(plainAnswer(answer)), id));
    },
    async setTopic(id, topicId) {
      return orNull(setTopic.get(topicId, id));
    },
    async listForRecord(townHallId) {
      return forRecord.all(townHallId).map(fromRow);
    },
    async forgetAuthorNames(townHallId, authorIds, replacement) {
      if (authorIds.length === 0) return 0;
      return forgetNames.run(replacement, townHallId, JSON.stringify(authorIds), replacement).changes;
    },
  };
}
