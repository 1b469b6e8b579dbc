import { parsePlace, placeKey, refKey, type QueueReason } from '../../shared/moderation.js';
import { addColumn, migrateSqlite, type SqliteSchema } from '../storage/migrations.js';
import type { Database } from '../storage/sqlite.js';
import type { QueueEntry, QueueStore } from './queue-store.js';
import { DECISION_TIMES_KEPT, decisionTime, decisionTimesLimit, orNull, parseRefKey, plainQueueEntry } from './store-records.js';

interface QueueRow {
  ref: string;
  place: string;
  reason: QueueReason;
  flags: number;
  submitted_at: number;
  claim_by: string | null;
  claim_name: string | null;
  claim_until: number | null;
}

const fromQueueRow = (r: QueueRow): QueueEntry => ({
  ref: parseRefKey(r.ref),
  place: parsePlace(r.place),
  reason: r.reason,
  flags: r.flags,
  submittedAt: r.submitted_at,
  claim: r.claim_by === null ? null : { by: r.claim_by, byName: r.claim_name!, until: r.claim_until! },
});

/** The tables of this store, step by step; see server/storage/migrations.ts. */
export const queueSchema: SqliteSchema = {
  feature: 'moderation.queue',
  steps: [
    {
      // Content refs are stored as their refKey ('question:<id>') and places as their placeKey: one
      // column each, and the queue's tie-break on the ref is the byte order Redis uses for equal scores.
      why: 'flags, the review queue, decision times and slow modes',
      run: (db) =>
        db.exec(`
          -- counts: the flag counts toward hiding; spent: a moderator decided the item since.
          CREATE TABLE IF NOT EXISTS content_flags (
            ref TEXT NOT NULL,
            user_id TEXT NOT NULL,
            reason TEXT NOT NULL,
            counts INTEGER NOT NULL DEFAULT 1,
            spent INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (ref, user_id)
          ) STRICT, WITHOUT ROWID;
          CREATE TABLE IF NOT EXISTS took_part (
            user_id TEXT NOT NULL,
            place TEXT NOT NULL,
            PRIMARY KEY (user_id, place)
          ) STRICT, WITHOUT ROWID;
          CREATE TABLE IF NOT EXISTS moderation_queue (
            ref TEXT PRIMARY KEY,
            place TEXT NOT NULL,
            reason TEXT NOT NULL,
            flags INTEGER NOT NULL,
            submitted_at INTEGER NOT NULL,
            claim_by TEXT,
            claim_name TEXT,
            claim_until INTEGER
          ) STRICT;
          CREATE INDEX IF NOT EXISTS moderation_queue_order ON moderation_queue (submitted_at, ref);
          CREATE TABLE IF NOT EXISTS decision_times (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            ms INTEGER NOT NULL
          ) STRICT;
          CREATE TABLE IF NOT EXISTS slow_modes (
            place TEXT PRIMARY KEY,
            seconds INTEGER NOT NULL
          ) STRICT, WITHOUT ROWID;
        `),
    },
    {
      // Flags made before these columns all counted, and none was spent.
      why: 'whether a flag counts toward hiding, and whether a decision has spent it',
      run(db) {
        addColumn(db, 'content_flags', 'counts', 'INTEGER NOT NULL DEFAULT 1');
        addColumn(db, 'content_flags', 'spent', 'INTEGER NOT NULL DEFAULT 0');
      },
    },
  ],
};

export function createSqliteQueueStore(db: Database): QueueStore {
  migrateSqlite(db, [queueSchema]);

  const flagInsert = db.prepare<[string, string, string, number], void>(
    'INSERT INTO content_flags (ref, user_id, reason, counts) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING',
  );
  const flagCount = db.prepare<[string], number>('SELECT count(*) FROM content_flags WHERE ref = ? AND spent = 0').pluck();
  const countingFlagCount = db
    .prepare<[string], number>('SELECT count(*) FROM content_flags WHERE ref = ? AND spent = 0 AND counts = 1')
    .pluck();
  const flagsSpend = db.prepare<[string], void>('UPDATE content_flags SET spent = 1 WHERE ref = ? AND spent = 0');
  const tookPartInsert = db.prepare<[string, string], void>('INSERT INTO took_part (user_id, place) VALUES (?, ?) ON CONFLICT DO NOTHING');
  const tookPartGet = db.prepare<[string, string], number>('SELECT 1 FROM took_part WHERE user_id = ? AND place = ?').pluck();

  const queueUpsert = db.prepare<[Omit<QueueRow, 'claim_by' | 'claim_name' | 'claim_until'>], QueueRow>(`
    INSERT INTO moderation_queue (ref, place, reason, flags, submitted_at)
    VALUES (@ref, @place, @reason, @flags, @submitted_at)
    ON CONFLICT (ref) DO UPDATE SET reason = excluded.reason, flags = max(flags, excluded.flags)
    RETURNING *`);
  const queueGet = db.prepare<[string], QueueRow>('SELECT * FROM moderation_queue WHERE ref = ?');
  const queueAll = db.prepare<[], QueueRow>('SELECT * FROM moderation_queue ORDER BY submitted_at, ref');
  const queueDelete = db.prepare<[string], QueueRow>('DELETE FROM moderation_queue WHERE ref = ? RETURNING *');
  const queueClaim = db.prepare<[string, string, number, string, number, string], QueueRow>(`
    UPDATE moderation_queue SET claim_by = ?, claim_name = ?, claim_until = ?
    WHERE ref = ? AND (claim_by IS NULL OR claim_until <= ? OR claim_by = ?) RETURNING *`);
  const queueRelease = db.prepare<[string, string], QueueRow>(`
    UPDATE moderation_queue SET claim_by = NULL, claim_name = NULL, claim_until = NULL
    WHERE ref = ? AND claim_by = ? RETURNING *`);
  const timeInsert = db.prepare<[number], void>('INSERT INTO decision_times (ms) VALUES (?)');
  const timeTrim = db.prepare<[number], void>(
    'DELETE FROM decision_times WHERE seq <= (SELECT max(seq) FROM decision_times) - ?',
  );
  const timeRecent = db.prepare<[number], number>('SELECT ms FROM decision_times ORDER BY seq DESC LIMIT ?').pluck();

  const slowModeSet = db.prepare<[string, number], void>(`
    INSERT INTO slow_modes (place, seconds) VALUES (?, ?) ON CONFLICT (place) DO UPDATE SET seconds = excluded.seconds`);
  const slowModeClear = db.prepare<[string], void>('DELETE FROM slow_modes WHERE place = ?');
  const slowModeGet = db.prepare<[string], number>('SELECT seconds FROM slow_modes WHERE place = ?').pluck();

  // One IMMEDIATE transaction each, so a second process cannot slip a write in between the
  // change and what it is counted or recorded by.
  const addFlag = db.transaction((key: string, userId: string, reason: string, counts: boolean) => {
    const { changes } = flagInsert.run(key, userId, reason, counts ? 1 : 0);
    return { added: changes === 1, count: flagCount.get(key) ?? 0 };
  });
  const dequeue = db.transaction((key: string, decidedAt: number): QueueRow | undefined => {
    const row = queueDelete.get(key);
    if (!row) return undefined;
    timeInsert.run(decisionTime(row.submitted_at, decidedAt));
    timeTrim.run(DECISION_TIMES_KEPT);
    return row;
  });

  return {
    async addFlag(ref, userId, reason, counts = true) {
      return addFlag.immediate(refKey(ref), userId, reason, counts);
    },
    async flagCount(ref) {
      return flagCount.get(refKey(ref)) ?? 0;
    },
    async countingFlagCount(ref) {
      return countingFlagCount.get(refKey(ref)) ?? 0;
    },
    async resetFlags(ref) {
      flagsSpend.run(refKey(ref));
    },

    async markTookPart(userId, place) {
      tookPartInsert.run(userId, placeKey(place));
    },
    async tookPart(userId, place) {
      return tookPartGet.get(userId, placeKey(place)) === 1;
    },

    async enqueue(input) {
      const e = plainQueueEntry(input);
      const row = { ref: refKey(e.ref), place: placeKey(e.place), reason: e.reason, flags: e.flags, submitted_at: e.submittedAt };
      return fromQueueRow(queueUpsert.get(row)!);
    },
    async getQueueEntry(ref) {
      return orNull(queueGet.get(refKey(ref)), fromQueueRow);
    },
    async listQueue() {
      return queueAll.all().map(fromQueueRow);
    },
    async dequeue(ref, decidedAt) {
      return orNull(dequeue.immediate(refKey(ref), decidedAt), fromQueueRow);
    },
    async claim(ref, moderator, until, now) {
      return orNull(queueClaim.get(moderator.id, moderator.name, until, refKey(ref), now, moderator.id), fromQueueRow);
    },
    async release(ref, moderatorId) {
      return orNull(queueRelease.get(refKey(ref), moderatorId), fromQueueRow);
    },
    async recentDecisionTimes(limit) {
      return timeRecent.all(decisionTimesLimit(limit));
    },

    async setSlowMode(place, seconds) {
      if (seconds > 0) slowModeSet.run(placeKey(place), seconds);
      else slowModeClear.run(placeKey(place));
    },
    async getSlowMode(place) {
      return slowModeGet.get(placeKey(place)) ?? 0;
    },
  };
}
