import type { HoldReason } from '../../shared/moderation.js';
import type { PollKind, PollStatus, PollVisibility } from '../../shared/polls.js';
import { newId } from '../core/ids.js';
import type { ContentStatus } from '../moderation/pipeline-types.js';
import { migrateSqlite, type SqliteSchema } from '../storage/migrations.js';
import type { Database } from '../storage/sqlite.js';
import type { AnswerRecord, BallotRecord, CastOutcome, NewBallot, NewPoll, PollRecord, PollStore } from './store.js';
import { ballotRecord, newPollRecord } from './store-records.js';
import { plainDecision } from '../moderation/stored.js';

interface PollRow {
  id: string;
  town_hall_id: string;
  kind: PollKind;
  question: string;
  options: string;
  max_choices: number | null;
  scale: string | null;
  visibility: PollVisibility;
  allow_change: 0 | 1;
  status: PollStatus;
  created_by: string;
  created_at: number;
  opened_at: number | null;
  closes_at: number | null;
  closed_at: number | null;
}

interface BallotRow {
  id: string;
  poll_id: string;
  town_hall_id: string;
  user_id: string;
  ballot: string;
  cast_at: number;
  status: ContentStatus;
  hold_reason: HoldReason | null;
  filter_hits: string;
  decision: string | null;
}

const pollFromRow = (r: PollRow): PollRecord => ({
  id: r.id,
  townHallId: r.town_hall_id,
  kind: r.kind,
  question: r.question,
  options: JSON.parse(r.options),
  maxChoices: r.max_choices,
  scale: r.scale === null ? null : JSON.parse(r.scale),
  visibility: r.visibility,
  allowChange: r.allow_change === 1,
  status: r.status,
  createdBy: r.created_by,
  createdAt: r.created_at,
  openedAt: r.opened_at,
  closesAt: r.closes_at,
  closedAt: r.closed_at,
});

const ballotFromRow = (r: BallotRow): BallotRecord => ({
  id: r.id,
  pollId: r.poll_id,
  ballot: JSON.parse(r.ballot),
  castAt: r.cast_at,
  status: r.status,
  holdReason: r.hold_reason,
  filterHits: JSON.parse(r.filter_hits),
  decision: r.decision === null ? null : JSON.parse(r.decision),
});

const answerFromRow = (r: BallotRow): AnswerRecord => ({ ...ballotFromRow(r), townHallId: r.town_hall_id, userId: r.user_id });

/** The tables of this store, step by step; see server/storage/migrations.ts. */
export const pollSchema: SqliteSchema = {
  feature: 'polls',
  steps: [
    {
      // Ballots keep their town hall beside them so an answer can be described without a join.
      // UNIQUE (poll_id, user_id) is the one-ballot-per-person rule itself.
      why: 'polls and ballots',
      run: (db) =>
        db.exec(`
          CREATE TABLE IF NOT EXISTS polls (
            id TEXT PRIMARY KEY,
            town_hall_id TEXT NOT NULL,
            kind TEXT NOT NULL,
            question TEXT NOT NULL,
            options TEXT NOT NULL,
            max_choices INTEGER,
            scale TEXT,
            visibility TEXT NOT NULL,
            allow_change INTEGER NOT NULL,
            status TEXT NOT NULL,
            created_by TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            opened_at INTEGER,
            closes_at INTEGER,
            closed_at INTEGER
          ) STRICT;
          CREATE INDEX IF NOT EXISTS polls_by_town_hall ON polls (town_hall_id, created_at, id);
          CREATE TABLE IF NOT EXISTS poll_ballots (
            id TEXT PRIMARY KEY,
            poll_id TEXT NOT NULL REFERENCES polls (id) ON DELETE CASCADE,
            town_hall_id TEXT NOT NULL,
            user_id TEXT NOT NULL,
            ballot TEXT NOT NULL,
            cast_at INTEGER NOT NULL,
            status TEXT NOT NULL,
            hold_reason TEXT,
            filter_hits TEXT NOT NULL,
            decision TEXT,
            UNIQUE (poll_id, user_id)
          ) STRICT;
        `),
    },
  ],
};

export function createSqlitePollStore(db: Database): PollStore {
  migrateSqlite(db, [pollSchema]);


  const insertPoll = db.prepare<[PollRow], void>(`
    INSERT INTO polls (id, town_hall_id, kind, question, options, max_choices, scale, visibility,
      allow_change, status, created_by, created_at, opened_at, closes_at, closed_at)
    VALUES (@id, @town_hall_id, @kind, @question, @options, @max_choices, @scale, @visibility,
      @allow_change, @status, @created_by, @created_at, @opened_at, @closes_at, @closed_at)`);
  const pollById = db.prepare<[string], PollRow>('SELECT * FROM polls WHERE id = ?');
  const pollsOf = db.prepare<[string], PollRow>('SELECT * FROM polls WHERE town_hall_id = ? ORDER BY created_at, id');
  const open = db.prepare<[number, number | null, string], PollRow>(`
    UPDATE polls SET status = 'open', opened_at = ?, closes_at = ? WHERE id = ? AND status = 'draft' RETURNING *`);
  const close = db.prepare<[number, string], PollRow>(`
    UPDATE polls SET status = 'closed', closed_at = ? WHERE id = ? AND status = 'open' RETURNING *`);
  const ballotIdOf = db.prepare<[string, string], string>('SELECT id FROM poll_ballots WHERE poll_id = ? AND user_id = ?').pluck();
  const ballotOf = db.prepare<[string, string], BallotRow>('SELECT * FROM poll_ballots WHERE poll_id = ? AND user_id = ?');
  const ballotsOf = db.prepare<[string], BallotRow>('SELECT * FROM poll_ballots WHERE poll_id = ?');
  const answerById = db.prepare<[string], BallotRow>('SELECT * FROM poll_ballots WHERE id = ?');
  const upsertBallot = db.prepare<[BallotRow], void>(`
    INSERT INTO poll_ballots (id, poll_id, town_hall_id, user_id, ballot, cast_at, status, hold_reason, filter_hits, decision)
    VALUES (@id, @poll_id, @town_hall_id, @user_id, @ballot, @cast_at, @status, @hold_reason, @filter_hits, NULL)
    ON CONFLICT (poll_id, user_id) DO UPDATE SET ballot = excluded.ballot, cast_at = excluded.cast_at,
      status = excluded.status, hold_reason = excluded.hold_reason, filter_hits = excluded.filter_hits, decision = NULL`);
  const setStatus = db.prepare<[ContentStatus, string, string, string], BallotRow>(`
    UPDATE poll_ballots SET status = ?, decision = ?
    WHERE id = ? AND status IN (SELECT value FROM json_each(?)) RETURNING *`);

  // IMMEDIATE takes the write lock up front, so a second process cannot close the poll or slip
  // in a ballot between the checks and the write.
  const cast = db.transaction((pollId: string, userId: string, input: NewBallot, allowChange: boolean): CastOutcome => {
    const poll = pollById.get(pollId);
    if (!poll || poll.status !== 'open' || (poll.closes_at !== null && poll.closes_at <= input.castAt)) {
      return { accepted: false, replaced: false, reason: 'not-open' };
    }
    const existing = ballotIdOf.get(pollId, userId);
    if (existing !== undefined && !allowChange) return { accepted: false, replaced: false, reason: 'already-voted' };
    const record = ballotRecord(existing ?? newId(), pollId, input);
    upsertBallot.run({
      id: record.id,
      poll_id: pollId,
      town_hall_id: poll.town_hall_id,
      user_id: userId,
      ballot: JSON.stringify(record.ballot),
      cast_at: record.castAt,
      status: record.status,
      hold_reason: record.holdReason,
      filter_hits: JSON.stringify(record.filterHits),
      decision: null,
    });
    return { accepted: true, replaced: existing !== undefined, ballot: record };
  });

  return {
    async createPoll(input: NewPoll) {
      const record = newPollRecord(input);
      insertPoll.run({
        id: record.id,
        town_hall_id: record.townHallId,
        kind: record.kind,
        question: record.question,
        options: JSON.stringify(record.options),
        max_choices: record.maxChoices,
        scale: record.scale === null ? null : JSON.stringify(record.scale),
        visibility: record.visibility,
        allow_change: record.allowChange ? 1 : 0,
        status: record.status,
        created_by: record.createdBy,
        created_at: record.createdAt,
        opened_at: null,
        closes_at: null,
        closed_at: null,
      });
      return record;
    },
    async getPoll(id) {
      const row = pollById.get(id);
      return row ? pollFromRow(row) : null;
    },
    async listPolls(townHallId) {
      return pollsOf.all(townHallId).map(pollFromRow);
    },
    async transition(id, to, at, closesAt = null) {
      const row = to === 'open' ? open.get(at, closesAt, id) : close.get(at, id);
      return row ? pollFromRow(row) : null;
    },
    async castBallot(pollId, userId, ballot, allowChange) {
      return cast.immediate(pollId, userId, ballot, allowChange);
    },
    async ballotOf(pollId, userId) {
      const row = ballotOf.get(pollId, userId);
      return row ? ballotFromRow(row) : null;
    },
    async ballots(pollId) {
      return ballotsOf.all(pollId).map(ballotFromRow);
    },
    async getAnswer(ballotId) {
      const row = answerById.get(ballotId);
      return row ? answerFromRow(row) : null;
    },
    async setAnswerStatus(ballotId, from, to, decision) {
      const row = setStatus.get(to, JSON.stringify(plainDecision(decision)), ballotId, JSON.stringify(from));
      return row ? answerFromRow(row) : null;
    },
  };
}
