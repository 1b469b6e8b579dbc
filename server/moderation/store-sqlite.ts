import {
  refKey,
  type Appeal,
  type FilterAction,
  type FilterEntry,
  type Notice,
  type QueueReason,
  type ReasonCode,
  type Sanction,
  type SanctionKind,
} from '../../shared/moderation.js';
import type { Database } from '../storage/sqlite.js';
import type { ModerationStore, QueueEntry } from './store.js';
import {
  DECISION_TIMES_KEPT,
  decisionTime,
  decisionTimesLimit,
  newAppeal,
  newFilterEntry,
  newNotice,
  newSanction,
  parseRefKey,
  plainQueueEntry,
} from './store-records.js';

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

interface SanctionRow {
  id: string;
  user_id: string;
  kind: SanctionKind;
  town_hall_id: string | null;
  until: number | null;
  reason: ReasonCode;
  note: string | null;
  by: string;
  at: number;
  lifted_at: number | null;
  lifted_by: string | null;
  alias: string | null;
}

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

interface FilterRow {
  id: string;
  term: string;
  action: FilterAction;
  created_by: string;
  created_at: number;
}

const fromQueueRow = (r: QueueRow): QueueEntry => ({
  ref: parseRefKey(r.ref),
  place: r.place,
  reason: r.reason,
  flags: r.flags,
  submittedAt: r.submitted_at,
  claim: r.claim_by === null ? null : { by: r.claim_by, byName: r.claim_name!, until: r.claim_until! },
});

const fromSanctionRow = (r: SanctionRow): Sanction => ({
  id: r.id,
  userId: r.user_id,
  kind: r.kind,
  townHallId: r.town_hall_id,
  until: r.until,
  reason: r.reason,
  note: r.note,
  by: r.by,
  at: r.at,
  liftedAt: r.lifted_at,
  liftedBy: r.lifted_by,
  alias: r.alias,
});

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

const fromFilterRow = (r: FilterRow): FilterEntry => ({
  id: r.id,
  term: r.term,
  action: r.action,
  createdBy: r.created_by,
  createdAt: r.created_at,
});

/** SQLite's LIMIT takes a whole number, and -1 for none. */
const sqlLimit = (limit: number): number => (Number.isFinite(limit) ? Math.max(0, Math.floor(limit)) : -1);

const orNull = <R, T>(row: R | undefined, from: (r: R) => T): T | null => (row ? from(row) : null);

export function createSqliteModerationStore(db: Database): ModerationStore {
  // Content refs are stored as their refKey ('question:<id>'): one column, and the queue's
  // tie-break on it is the same byte order Redis uses for equal scores.
  db.exec(`
    CREATE TABLE IF NOT EXISTS filter_entries (
      id TEXT PRIMARY KEY,
      term TEXT NOT NULL UNIQUE,
      action TEXT NOT NULL,
      created_by TEXT NOT NULL,
      created_at INTEGER NOT NULL
    ) STRICT;
    CREATE TABLE IF NOT EXISTS moderation_counters (
      name TEXT PRIMARY KEY,
      value INTEGER NOT NULL
    ) STRICT, WITHOUT ROWID;
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
    CREATE TABLE IF NOT EXISTS sanctions (
      id TEXT PRIMARY KEY,
      user_id TEXT NOT NULL,
      kind TEXT NOT NULL,
      town_hall_id TEXT,
      until INTEGER,
      reason TEXT NOT NULL,
      note TEXT,
      by TEXT NOT NULL,
      at INTEGER NOT NULL,
      lifted_at INTEGER,
      lifted_by TEXT,
      alias TEXT
    ) STRICT;
    CREATE INDEX IF NOT EXISTS sanctions_by_user ON sanctions (user_id, at, id);
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
    CREATE TABLE IF NOT EXISTS slow_modes (
      place TEXT PRIMARY KEY,
      seconds INTEGER NOT NULL
    ) STRICT, WITHOUT ROWID;
  `);
  // Files made before flags could be spent and sanctions given under a pseudonym: every earlier
  // flag counted, and every earlier sanction was given by name.
  const columns = (table: string) => db.prepare<[string], string>('SELECT name FROM pragma_table_info(?)').pluck().all(table);
  const flagColumns = columns('content_flags');
  if (!flagColumns.includes('counts')) db.exec('ALTER TABLE content_flags ADD COLUMN counts INTEGER NOT NULL DEFAULT 1');
  if (!flagColumns.includes('spent')) db.exec('ALTER TABLE content_flags ADD COLUMN spent INTEGER NOT NULL DEFAULT 0');
  if (!columns('sanctions').includes('alias')) db.exec('ALTER TABLE sanctions ADD COLUMN alias TEXT');

  const filterAll = db.prepare<[], FilterRow>('SELECT * FROM filter_entries ORDER BY term');
  const filterInsert = db.prepare<[FilterRow], void>(`
    INSERT INTO filter_entries (id, term, action, created_by, created_at)
    VALUES (@id, @term, @action, @created_by, @created_at) ON CONFLICT (term) DO NOTHING`);
  const filterDelete = db.prepare<[string], FilterRow>('DELETE FROM filter_entries WHERE id = ? RETURNING *');
  const bumpFilterVersion = db.prepare<[], void>(`
    INSERT INTO moderation_counters (name, value) VALUES ('filter-version', 1)
    ON CONFLICT (name) DO UPDATE SET value = value + 1`);
  const filterVersion = db
    .prepare<[], number>("SELECT value FROM moderation_counters WHERE name = 'filter-version'")
    .pluck();

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

  const sanctionInsert = db.prepare<[SanctionRow], void>(`
    INSERT INTO sanctions (id, user_id, kind, town_hall_id, until, reason, note, by, at, lifted_at, lifted_by, alias)
    VALUES (@id, @user_id, @kind, @town_hall_id, @until, @reason, @note, @by, @at, @lifted_at, @lifted_by, @alias)`);
  const sanctionLift = db.prepare<[number, string, string], SanctionRow>(`
    UPDATE sanctions SET lifted_at = ?, lifted_by = ? WHERE id = ? AND lifted_at IS NULL RETURNING *`);
  const sanctionsOf = db.prepare<[string], SanctionRow>(
    'SELECT * FROM sanctions WHERE user_id = ? ORDER BY at DESC, id DESC',
  );
  const sanctionsActive = db.prepare<[string, number], SanctionRow>(`
    SELECT * FROM sanctions WHERE user_id = ? AND lifted_at IS NULL AND (until IS NULL OR until > ?)
    ORDER BY at DESC, id DESC`);

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

  const slowModeSet = db.prepare<[string, number], void>(`
    INSERT INTO slow_modes (place, seconds) VALUES (?, ?) ON CONFLICT (place) DO UPDATE SET seconds = excluded.seconds`);
  const slowModeClear = db.prepare<[string], void>('DELETE FROM slow_modes WHERE place = ?');
  const slowModeGet = db.prepare<[string], number>('SELECT seconds FROM slow_modes WHERE place = ?').pluck();

  // Each of these is one IMMEDIATE transaction, so a second process cannot slip a write in
  // between the change and what it is counted or recorded by.
  const addFilterEntry = db.transaction((row: FilterRow): boolean => {
    if (filterInsert.run(row).changes === 0) return false;
    bumpFilterVersion.run();
    return true;
  });
  const removeFilterEntry = db.transaction((id: string): FilterRow | undefined => {
    const row = filterDelete.get(id);
    if (row) bumpFilterVersion.run();
    return row;
  });
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
    async listFilterEntries() {
      return filterAll.all().map(fromFilterRow);
    },
    async addFilterEntry(input) {
      const entry = newFilterEntry(input);
      const row = { id: entry.id, term: entry.term, action: entry.action, created_by: entry.createdBy, created_at: entry.createdAt };
      return addFilterEntry.immediate(row) ? entry : null;
    },
    async removeFilterEntry(id) {
      return orNull(removeFilterEntry.immediate(id), fromFilterRow);
    },
    async filterVersion() {
      return filterVersion.get() ?? 0;
    },

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
      tookPartInsert.run(userId, place);
    },
    async tookPart(userId, place) {
      return tookPartGet.get(userId, place) === 1;
    },

    async enqueue(input) {
      const e = plainQueueEntry(input);
      const row = { ref: refKey(e.ref), place: e.place, reason: e.reason, flags: e.flags, submitted_at: e.submittedAt };
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

    async addSanction(input) {
      const s = newSanction(input);
      sanctionInsert.run({
        id: s.id,
        user_id: s.userId,
        kind: s.kind,
        town_hall_id: s.townHallId,
        until: s.until,
        reason: s.reason,
        note: s.note,
        by: s.by,
        at: s.at,
        lifted_at: null,
        lifted_by: null,
        alias: s.alias,
      });
      return s;
    },
    async liftSanction(id, by, at) {
      return orNull(sanctionLift.get(at, by, id), fromSanctionRow);
    },
    async activeSanctions(userId, now) {
      return sanctionsActive.all(userId, now).map(fromSanctionRow);
    },
    async sanctionsOf(userId) {
      return sanctionsOf.all(userId).map(fromSanctionRow);
    },

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

    async setSlowMode(place, seconds) {
      if (seconds > 0) slowModeSet.run(place, seconds);
      else slowModeClear.run(place);
    },
    async getSlowMode(place) {
      return slowModeGet.get(place) ?? 0;
    },
  };
}
