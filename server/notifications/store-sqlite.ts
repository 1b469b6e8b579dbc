import type { FollowNotice } from '../../shared/notices.js';
import { newId } from '../core/ids.js';
import { migrateSqlite, type SqliteSchema } from '../storage/migrations.js';
import type { Database } from '../storage/sqlite.js';
import type { Follow, MailAddress, NewNotice, NotificationStore, StoredMailSettings } from './store.js';
import { NOTICES_KEPT } from './store.js';

interface NoticeRow {
  id: string;
  person_id: string;
  question_id: string;
  town_hall_id: string;
  excerpt: string;
  kind: FollowNotice['kind'];
  detail: string | null;
  reason: FollowNotice['reason'];
  status: FollowNotice['status'];
  at: number;
  read: number;
}
interface AddressRow {
  id: string;
  person_id: string;
  question_id: string;
  address: string;
  locale: MailAddress['locale'];
  created_at: number;
  confirm_hash: string;
  confirm_expires_at: number;
  confirmed_at: number | null;
}

const noticeOf = (r: NoticeRow): FollowNotice => ({
  id: r.id,
  questionId: r.question_id,
  townHallId: r.town_hall_id,
  excerpt: r.excerpt,
  kind: r.kind,
  detail: r.detail,
  reason: r.reason,
  status: r.status,
  at: r.at,
  read: r.read === 1,
});
const addressOf = (r: AddressRow): MailAddress => ({
  id: r.id,
  personId: r.person_id,
  questionId: r.question_id,
  address: r.address,
  locale: r.locale,
  createdAt: r.created_at,
  confirmHash: r.confirm_hash,
  confirmExpiresAt: r.confirm_expires_at,
  confirmedAt: r.confirmed_at,
});

/** The tables of this store, step by step; see server/storage/migrations.ts. */
export const notificationSchema: SqliteSchema = {
  feature: 'notifications',
  steps: [
    {
      why: 'follows, notices and mail addresses',
      run: (db) =>
        db.exec(`
          CREATE TABLE IF NOT EXISTS follows (
            question_id TEXT NOT NULL, person_id TEXT NOT NULL, town_hall_id TEXT NOT NULL,
            excerpt TEXT NOT NULL, since INTEGER NOT NULL,
            PRIMARY KEY (question_id, person_id)
          ) STRICT;
          CREATE INDEX IF NOT EXISTS follows_by_person ON follows (person_id, since);
          CREATE TABLE IF NOT EXISTS follow_notices (
            id TEXT PRIMARY KEY, person_id TEXT NOT NULL, question_id TEXT NOT NULL, town_hall_id TEXT NOT NULL,
            excerpt TEXT NOT NULL, kind TEXT NOT NULL, detail TEXT, reason TEXT, status TEXT,
            at INTEGER NOT NULL, read INTEGER NOT NULL DEFAULT 0
          ) STRICT;
          CREATE INDEX IF NOT EXISTS follow_notices_by_person ON follow_notices (person_id, at);
          -- Addresses live apart from everything else; nothing joins them to any other table.
          CREATE TABLE IF NOT EXISTS mail_addresses (
            id TEXT PRIMARY KEY, person_id TEXT NOT NULL, question_id TEXT NOT NULL, address TEXT NOT NULL,
            locale TEXT NOT NULL, created_at INTEGER NOT NULL, confirm_hash TEXT NOT NULL UNIQUE,
            confirm_expires_at INTEGER NOT NULL, confirmed_at INTEGER,
            UNIQUE (person_id, question_id)
          ) STRICT;
          CREATE INDEX IF NOT EXISTS mail_addresses_by_question ON mail_addresses (question_id);
          CREATE INDEX IF NOT EXISTS mail_addresses_by_age ON mail_addresses (created_at);
          CREATE TABLE IF NOT EXISTS mail_settings (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;
        `),
    },
    {
      // A person's follows and notices are read newest first with the id as the tie-break, and
      // the notices are trimmed that way on every one delivered to each follower; with the id in
      // the index, SQLite reads them in order instead of sorting them each time.
      why: "index a person's follows and notices in the order they are read",
      run: (db) =>
        db.exec(`
          DROP INDEX IF EXISTS follows_by_person;
          CREATE INDEX follows_by_person ON follows (person_id, since, question_id);
          DROP INDEX IF EXISTS follow_notices_by_person;
          CREATE INDEX follow_notices_by_person ON follow_notices (person_id, at, id);
        `),
    },
  ],
};

export function createSqliteNotificationStore(db: Database): NotificationStore {
  migrateSqlite(db, [notificationSchema]);

  const st = {
    follow: db.prepare(
      'INSERT INTO follows (question_id, person_id, town_hall_id, excerpt, since) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING',
    ),
    unfollow: db.prepare('DELETE FROM follows WHERE question_id = ? AND person_id = ?'),
    isFollowing: db.prepare<[string, string], number>('SELECT 1 FROM follows WHERE question_id = ? AND person_id = ?').pluck(),
    followers: db.prepare<[string], string>('SELECT person_id FROM follows WHERE question_id = ?').pluck(),
    followedBy: db.prepare<[string], { question_id: string; person_id: string; town_hall_id: string; excerpt: string; since: number }>(
      'SELECT * FROM follows WHERE person_id = ? ORDER BY since DESC, question_id DESC',
    ),
    addNotice: db.prepare(
      `INSERT INTO follow_notices (id, person_id, question_id, town_hall_id, excerpt, kind, detail, reason, status, at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    trimNotices: db.prepare(
      `DELETE FROM follow_notices WHERE person_id = ? AND id NOT IN
         (SELECT id FROM follow_notices WHERE person_id = ? ORDER BY at DESC, id DESC LIMIT ${NOTICES_KEPT})`,
    ),
    noticesFor: db.prepare<[string, number], NoticeRow>('SELECT * FROM follow_notices WHERE person_id = ? ORDER BY at DESC, id DESC LIMIT ?'),
    markRead: db.prepare('UPDATE follow_notices SET read = 1 WHERE person_id = ? AND id = ? AND read = 0'),
    putAddress: db.prepare(
      `INSERT INTO mail_addresses (id, person_id, question_id, address, locale, created_at, confirm_hash, confirm_expires_at, confirmed_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    deleteAddressOf: db.prepare('DELETE FROM mail_addresses WHERE person_id = ? AND question_id = ?'),
    addressFor: db.prepare<[string, string], AddressRow>('SELECT * FROM mail_addresses WHERE person_id = ? AND question_id = ?'),
    addressById: db.prepare<[string], AddressRow>('SELECT * FROM mail_addresses WHERE id = ?'),
    byHash: db.prepare<[string], AddressRow>('SELECT * FROM mail_addresses WHERE confirm_hash = ?'),
    confirm: db.prepare('UPDATE mail_addresses SET confirmed_at = ? WHERE id = ? AND confirmed_at IS NULL'),
    confirmed: db.prepare<[string], AddressRow>(
      'SELECT * FROM mail_addresses WHERE question_id = ? AND confirmed_at IS NOT NULL ORDER BY created_at, id',
    ),
    deleteById: db.prepare('DELETE FROM mail_addresses WHERE id = ?'),
    deleteFor: db.prepare('DELETE FROM mail_addresses WHERE question_id = ?'),
    deleteBefore: db.prepare('DELETE FROM mail_addresses WHERE created_at < ?'),
    readSettings: db.prepare<[], string>(`SELECT value FROM mail_settings WHERE key = 'smtp'`).pluck(),
    writeSettings: db.prepare(
      `INSERT INTO mail_settings (key, value) VALUES ('smtp', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
    ),
  };

  const unfollow = db.transaction((questionId: string, personId: string) => {
    const changed = st.unfollow.run(questionId, personId).changes > 0;
    st.deleteAddressOf.run(personId, questionId);
    return changed;
  });
  const addNotice = db.transaction((n: FollowNotice & { personId: string }) => {
    st.addNotice.run(n.id, n.personId, n.questionId, n.townHallId, n.excerpt, n.kind, n.detail, n.reason, n.status, n.at);
    st.trimNotices.run(n.personId, n.personId);
  });
  const markRead = db.transaction((personId: string, ids: string[]) =>
    ids.reduce((sum, id) => sum + st.markRead.run(personId, id).changes, 0),
  );
  const putAddress = db.transaction((a: MailAddress) => {
    st.deleteAddressOf.run(a.personId, a.questionId);
    st.putAddress.run(a.id, a.personId, a.questionId, a.address, a.locale, a.createdAt, a.confirmHash, a.confirmExpiresAt, a.confirmedAt);
  });
  const confirm = db.transaction((hash: string, now: number) => {
    const row = st.byHash.get(hash);
    if (!row) return { ok: false as const, why: 'unknown' as const };
    if (row.confirmed_at !== null) return { ok: false as const, why: 'used' as const };
    if (row.confirm_expires_at <= now) return { ok: false as const, why: 'expired' as const };
    st.confirm.run(now, row.id);
    return { ok: true as const, address: addressOf({ ...row, confirmed_at: now }) };
  });

  return {
    async follow(f: Follow) {
      return st.follow.run(f.questionId, f.personId, f.townHallId, f.excerpt, f.since).changes > 0;
    },
    async unfollow(questionId, personId) {
      return unfollow.immediate(questionId, personId);
    },
    async isFollowing(questionId, personId) {
      return st.isFollowing.get(questionId, personId) === 1;
    },
    async followers(questionId) {
      return st.followers.all(questionId);
    },
    async followedBy(personId) {
      return st.followedBy.all(personId).map((r) => ({
        questionId: r.question_id,
        personId: r.person_id,
        townHallId: r.town_hall_id,
        excerpt: r.excerpt,
        since: r.since,
      }));
    },
    async addNotice(input: NewNotice) {
      const { personId, ...rest } = input;
      const notice: FollowNotice = { ...rest, id: newId(), read: false };
      addNotice.immediate({ ...notice, personId });
      return notice;
    },
    async noticesFor(personId, limit) {
      return st.noticesFor.all(personId, limit).map(noticeOf);
    },
    async markRead(personId, ids) {
      return markRead.immediate(personId, ids);
    },
    async putAddress(address) {
      putAddress.immediate(address);
    },
    async addressFor(personId, questionId) {
      const row = st.addressFor.get(personId, questionId);
      return row ? addressOf(row) : null;
    },
    async addressById(id) {
      const row = st.addressById.get(id);
      return row ? addressOf(row) : null;
    },
    async confirmedAddresses(questionId) {
      return st.confirmed.all(questionId).map(addressOf);
    },
    async confirm(hash, now) {
      return confirm.immediate(hash, now);
    },
    async deleteAddress(id) {
      return st.deleteById.run(id).changes > 0;
    },
    async deleteAddressesFor(questionId) {
      return st.deleteFor.run(questionId).changes;
    },
    async deleteAddressesBefore(createdBefore) {
      return st.deleteBefore.run(createdBefore).changes;
    },
    async mailSettings() {
      const json = st.readSettings.get();
      return json ? (JSON.parse(json) as StoredMailSettings) : null;
    },
    async putMailSettings(settings) {
      st.writeSettings.run(JSON.stringify(settings));
    },
  };
}
