import { migrateSqlite, type SqliteSchema } from '../storage/migrations.js';
import type { Database } from '../storage/sqlite.js';
import { followUpJson, followUpOrder, matches, type FollowUpRecord, type FollowUpStore } from './store.js';

// The follow-up is kept whole as JSON (it is read and written whole); the columns beside it are
// what lists filter on.
/** The tables of this store, step by step; see server/storage/migrations.ts. */
export const followUpSchema: SqliteSchema = {
  feature: 'followups',
  steps: [
    {
      why: 'the follow-up queue',
      run: (db) =>
        db.exec(`
          CREATE TABLE IF NOT EXISTS follow_ups (
            question_id TEXT PRIMARY KEY,
            town_hall_id TEXT NOT NULL,
            status TEXT NOT NULL,
            assignee_id TEXT,
            unit_id TEXT,
            entered_at INTEGER NOT NULL,
            asked_at INTEGER NOT NULL,
            json TEXT NOT NULL
          ) STRICT;
          CREATE INDEX IF NOT EXISTS follow_ups_by_town_hall ON follow_ups (town_hall_id);
          CREATE INDEX IF NOT EXISTS follow_ups_by_status ON follow_ups (status, entered_at);
          CREATE TABLE IF NOT EXISTS follow_up_entries (town_hall_id TEXT PRIMARY KEY, entered_at INTEGER NOT NULL) STRICT;
        `),
    },
  ],
};

export function createSqliteFollowUpStore(db: Database): FollowUpStore {
  migrateSqlite(db, [followUpSchema]);

  type Row = { question_id: string; town_hall_id: string; status: string; assignee_id: string | null; unit_id: string | null; entered_at: number; asked_at: number; json: string };
  const insert = db.prepare<[Row], void>(`
    INSERT INTO follow_ups (question_id, town_hall_id, status, assignee_id, unit_id, entered_at, asked_at, json)
    VALUES (@question_id, @town_hall_id, @status, @assignee_id, @unit_id, @entered_at, @asked_at, @json)
    ON CONFLICT (question_id) DO NOTHING`);
  const markEntered = db.prepare<[string, number], void>('INSERT INTO follow_up_entries VALUES (?, ?) ON CONFLICT DO NOTHING');
  const entered = db.prepare<[string], number>('SELECT 1 FROM follow_up_entries WHERE town_hall_id = ?').pluck();
  const byId = db.prepare<[string], string>('SELECT json FROM follow_ups WHERE question_id = ?').pluck();
  const byTownHall = db.prepare<[string], string>('SELECT json FROM follow_ups WHERE town_hall_id = ?').pluck();
  const all = db.prepare<[], string>('SELECT json FROM follow_ups').pluck();
  const byStatus = db.prepare<[string], string>('SELECT json FROM follow_ups WHERE status = ?').pluck();
  const swap = db.prepare<[Row & { previous: string }], void>(`
    UPDATE follow_ups SET status = @status, assignee_id = @assignee_id, unit_id = @unit_id, json = @json
    WHERE question_id = @question_id AND json = @previous`);

  const row = (f: FollowUpRecord): Row => ({
    question_id: f.questionId,
    town_hall_id: f.townHallId,
    status: f.status,
    assignee_id: f.assigneeId,
    unit_id: f.unitId,
    entered_at: f.enteredAt,
    asked_at: f.askedAt,
    json: followUpJson(f),
  });
  const parse = (json: string) => JSON.parse(json) as FollowUpRecord;
  const enter = db.transaction((townHallId: string, followUps: FollowUpRecord[], at: number) => {
    const added = followUps.filter((f) => insert.run(row(f)).changes === 1);
    markEntered.run(townHallId, at);
    return added;
  });

  return {
    async enter(townHallId, followUps) {
      return enter.immediate(townHallId, followUps, Date.now()).map((f) => parse(followUpJson(f)));
    },
    async hasEntered(townHallId) {
      return entered.get(townHallId) === 1;
    },
    async get(questionId) {
      const json = byId.get(questionId);
      return json ? parse(json) : null;
    },
    async listForTownHall(townHallId) {
      return byTownHall.all(townHallId).map(parse).sort(followUpOrder);
    },
    async list(filter) {
      const rows = filter.status ? byStatus.all(filter.status) : all.all();
      return rows.map(parse).filter((f) => matches(f, filter)).sort(followUpOrder);
    },
    async replace(previous, next) {
      return swap.run({ ...row(next), previous: followUpJson(previous) }).changes === 1;
    },
  };
}
