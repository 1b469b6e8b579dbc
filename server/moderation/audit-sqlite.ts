import { migrateSqlite, type SqliteSchema } from '../storage/migrations.js';
import type { Database } from '../storage/sqlite.js';
import { chainEntry, type AuditEntry, type AuditLogStore, type NewAuditEntry } from './audit.js';
import { plainAuditEntry } from './audit-records.js';

interface AuditRow {
  seq: number;
  at: number;
  actor_id: string;
  actor_name: string;
  action: string;
  target: string;
  reason: string | null;
  note: string | null;
  prev_hash: string;
  hash: string;
}

const fromRow = (r: AuditRow): AuditEntry => ({
  seq: r.seq,
  at: r.at,
  actorId: r.actor_id,
  actorName: r.actor_name,
  action: r.action,
  target: r.target,
  reason: r.reason,
  note: r.note,
  prevHash: r.prev_hash,
  hash: r.hash,
});

/** SQLite's LIMIT takes a whole number, and -1 for none. */
const sqlLimit = (limit: number): number => (Number.isFinite(limit) ? Math.max(0, Math.floor(limit)) : -1);

/** The tables of this store, step by step; see server/storage/migrations.ts. */
export const auditSchema: SqliteSchema = {
  feature: 'moderation.audit',
  steps: [
    {
      // seq is the primary key, so two writers that both read the same head cannot both insert the
      // next entry; the IMMEDIATE transaction of append means they never try.
      why: 'the hash-chained audit log',
      run: (db) =>
        db.exec(`
          CREATE TABLE IF NOT EXISTS audit_log (
            seq INTEGER PRIMARY KEY,
            at INTEGER NOT NULL,
            actor_id TEXT NOT NULL,
            actor_name TEXT NOT NULL,
            action TEXT NOT NULL,
            target TEXT NOT NULL,
            reason TEXT,
            note TEXT,
            prev_hash TEXT NOT NULL,
            hash TEXT NOT NULL
          ) STRICT;
        `),
    },
  ],
};

export function createSqliteAuditLogStore(db: Database): AuditLogStore {
  migrateSqlite(db, [auditSchema]);

  const insert = db.prepare<[AuditRow], void>(`
    INSERT INTO audit_log (seq, at, actor_id, actor_name, action, target, reason, note, prev_hash, hash)
    VALUES (@seq, @at, @actor_id, @actor_name, @action, @target, @reason, @note, @prev_hash, @hash)`);
  const head = db.prepare<[], AuditRow>('SELECT * FROM audit_log ORDER BY seq DESC LIMIT 1');
  const after = db.prepare<[number, number], AuditRow>('SELECT * FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?');

  // Reading the head, hashing and inserting happen under one write lock, across processes too.
  const append = db.transaction((input: NewAuditEntry): AuditEntry => {
    const row = head.get();
    const entry = chainEntry(row ? fromRow(row) : null, input);
    insert.run({
      seq: entry.seq,
      at: entry.at,
      actor_id: entry.actorId,
      actor_name: entry.actorName,
      action: entry.action,
      target: entry.target,
      reason: entry.reason,
      note: entry.note,
      prev_hash: entry.prevHash,
      hash: entry.hash,
    });
    return entry;
  });

  return {
    async append(input) {
      return append.immediate(plainAuditEntry(input));
    },
    async list(afterSeq, limit) {
      return after.all(afterSeq, sqlLimit(limit)).map(fromRow);
    },
    async head() {
      const row = head.get();
      return row ? fromRow(row) : null;
    },
  };
}
