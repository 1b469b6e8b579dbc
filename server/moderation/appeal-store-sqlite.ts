import { refKey, type Appeal, type Notice, type ReasonCode } from '../../shared/moderation.js';
import { migrateSqlite, type SqliteSchema } from '../storage/migrations.js';
import type { Database } from '../storage/sqlite.js';
import type { AppealStore } from './appeal-store.js';
import { newAppeal, newNotice, orNull, parseRefKey, sqlLimit } from './store-records.js';

interface AppealRow {
  ref: string;
  author_id: string;
  text: string;
  at: number;
  appealed_decision_by: string;
  outcome: Appeal['outcome'];
  decided_by: string | null;
  decided_at: number | null;
}

interface NoticeRow {
  id: string;
  user_id: string;
  ref: string;
  action: Notice['action'];
  reason: ReasonCode | null;
  excerpt: string;
  at: number;
  can_appeal: 0 | 1;
}

const fromAppealRow = (r: AppealRow): Appeal => ({
  ref: parseRefKey(r.ref),
  authorId: r.author_id,
  text: r.text,
  at: r.at,
  appealedDecisionBy: r.appealed_decision_by,
  outcome: r.outcome,
  decidedBy: r.decided_by,
  decidedAt: r.decided_at,
});

const fromNoticeRow = (r: NoticeRow): Notice => ({
  id: r.id,
  userId: r.user_id,
  ref: parseRefKey(r.ref),
  action: r.action,
  reason: r.reason,
  excerpt: r.excerpt,
  at: r.at,
  canAppeal: r.can_appeal === 1,
});

/** The tables of this store, step by step; see server/storage/migrations.ts. */
export const appealSchema: SqliteSchema = {
  feature: 'moderation.appeals',
  steps: [
    {
      why: 'appeals and the notices that offer them',
      run: (db) =>
        db.exec(`
          CREATE TABLE IF NOT EXISTS appeals (
            ref TEXT PRIMARY KEY,
            author_id TEXT NOT NULL,
            text TEXT NOT NULL,
            at INTEGER NOT NULL,
            appealed_decision_by TEXT NOT NULL,
            outcome TEXT,
            decided_by TEXT,
            decided_at INTEGER
          ) STRICT;
          CREATE TABLE IF NOT EXISTS notices (
            id TEXT PRIMARY KEY,
            user_id TEXT NOT NULL,
            ref TEXT NOT NULL,
            action TEXT NOT NULL,
            reason TEXT,
            excerpt TEXT NOT NULL,
            at INTEGER NOT NULL,
            can_appeal INTEGER NOT NULL
          ) STRICT;
          CREATE INDEX IF NOT EXISTS notices_by_user ON notices (user_id, at, id);
          CREATE INDEX IF NOT EXISTS notices_by_ref ON notices (user_id, ref);
        `),
    },
  ],
};

export function createSqliteAppealStore(db: Database): AppealStore {
  migrateSqlite(db, [appealSchema]);

  const appealInsert = db.prepare<[AppealRow], void>(`
    INSERT INTO appeals (ref, author_id, text, at, appealed_decision_by, outcome, decided_by, decided_at)
    VALUES (@ref, @author_id, @text, @at, @appealed_decision_by, @outcome, @decided_by, @decided_at)
    ON CONFLICT (ref) DO NOTHING`);
  const appealGet = db.prepare<[string], AppealRow>('SELECT * FROM appeals WHERE ref = ?');
  const appealDecide = db.prepare<[string, string, number, string], AppealRow>(`
    UPDATE appeals SET outcome = ?, decided_by = ?, decided_at = ? WHERE ref = ? AND outcome IS NULL RETURNING *`);

  const noticeInsert = db.prepare<[NoticeRow], void>(`
    INSERT INTO notices (id, user_id, ref, action, reason, excerpt, at, can_appeal)
    VALUES (@id, @user_id, @ref, @action, @reason, @excerpt, @at, @can_appeal)`);
  const noticesFor = db.prepare<[string, number], NoticeRow>(
    'SELECT * FROM notices WHERE user_id = ? ORDER BY at DESC, id DESC LIMIT ?',
  );
  const noticesClose = db.prepare<[string, string], void>('UPDATE notices SET can_appeal = 0 WHERE user_id = ? AND ref = ?');

  return {
    async createAppeal(input) {
      const a = newAppeal(input);
      const { changes } = appealInsert.run({
        ref: refKey(a.ref),
        author_id: a.authorId,
        text: a.text,
        at: a.at,
        appealed_decision_by: a.appealedDecisionBy,
        outcome: null,
        decided_by: null,
        decided_at: null,
      });
      return changes === 1 ? a : null;
    },
    async getAppeal(ref) {
      return orNull(appealGet.get(refKey(ref)), fromAppealRow);
    },
    async decideAppeal(ref, outcome, by, at) {
      return orNull(appealDecide.get(outcome, by, at, refKey(ref)), fromAppealRow);
    },

    async addNotice(input) {
      const n = newNotice(input);
      noticeInsert.run({
        id: n.id,
        user_id: n.userId,
        ref: refKey(n.ref),
        action: n.action,
        reason: n.reason,
        excerpt: n.excerpt,
        at: n.at,
        can_appeal: n.canAppeal ? 1 : 0,
      });
      return n;
    },
    async noticesFor(userId, limit) {
      return noticesFor.all(userId, sqlLimit(limit)).map(fromNoticeRow);
    },
    async closeAppealOnNotices(userId, ref) {
      noticesClose.run(userId, refKey(ref));
    },
  };
}
