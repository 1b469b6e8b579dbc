import type { ChatStatus } from '../../shared/chat.js';
import type { HoldReason } from '../../shared/moderation.js';
import type { StaffRole } from '../../shared/roles.js';
import { addColumn, migrateSqlite, type SqliteSchema } from '../storage/migrations.js';
import type { Database } from '../storage/sqlite.js';
import type { ChatRecord, ChatStore, NewChatMessage } from './store.js';
import { newChatRecord } from './store-records.js';
import { plainDecision } from '../moderation/stored.js';

interface ChatRow {
  id: string;
  town_hall_id: string;
  author_id: string;
  author_name: string;
  /** Kept for files made before `author_role`; written as `author_role IS NOT NULL`. */
  staff: 0 | 1;
  author_role: StaffRole | null;
  text: string;
  created_at: number;
  status: ChatStatus;
  hold_reason: HoldReason | null;
  filter_hits: string;
  decision: string | null;
}

const fromRow = (r: ChatRow): ChatRecord => ({
  id: r.id,
  townHallId: r.town_hall_id,
  authorId: r.author_id,
  authorName: r.author_name,
  authorRole: r.author_role,
  text: r.text,
  createdAt: r.created_at,
  status: r.status,
  holdReason: r.hold_reason,
  filterHits: JSON.parse(r.filter_hits),
  decision: r.decision === null ? null : JSON.parse(r.decision),
});

/** The tables of this store, step by step; see server/storage/migrations.ts. */
export const chatSchema: SqliteSchema = {
  feature: 'chat',
  steps: [
    {
      // The status leads the main index so the live window and the transcript read only published
      // rows; the partial index serves an author's few pending messages.
      why: 'chat messages',
      run: (db) =>
        db.exec(`
          CREATE TABLE IF NOT EXISTS chat_messages (
            id TEXT PRIMARY KEY,
            town_hall_id TEXT NOT NULL,
            author_id TEXT NOT NULL,
            author_name TEXT NOT NULL,
            staff INTEGER NOT NULL,
            text TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            status TEXT NOT NULL,
            hold_reason TEXT,
            filter_hits TEXT NOT NULL,
            decision TEXT
          ) STRICT;
          CREATE INDEX IF NOT EXISTS chat_by_status ON chat_messages (town_hall_id, status, created_at, id);
          CREATE INDEX IF NOT EXISTS chat_pending ON chat_messages (town_hall_id, author_id, created_at, id)
            WHERE status IN ('held', 'hidden');
        `),
    },
    {
      // Staff messages written before the badge named the role knew only that their author was
      // staff; officers are who speak for the department in a town hall chat, so they read as
      // officers rather than lose their badge.
      why: "the author's staff badge on chat messages",
      run(db) {
        if (addColumn(db, 'chat_messages', 'author_role', 'TEXT')) {
          db.exec("UPDATE chat_messages SET author_role = 'officer' WHERE staff = 1");
        }
      },
    },
  ],
};

export function createSqliteChatStore(db: Database): ChatStore {
  migrateSqlite(db, [chatSchema]);

  const insert = db.prepare<[ChatRow], void>(`
    INSERT INTO chat_messages (id, town_hall_id, author_id, author_name, staff, author_role, text, created_at, status,
      hold_reason, filter_hits, decision)
    VALUES (@id, @town_hall_id, @author_id, @author_name, @staff, @author_role, @text, @created_at, @status,
      @hold_reason, @filter_hits, @decision)`);
  const byId = db.prepare<[string], ChatRow>('SELECT * FROM chat_messages WHERE id = ?');
  const recent = db.prepare<[string, number], ChatRow>(`
    SELECT * FROM chat_messages WHERE town_hall_id = ? AND status = 'published'
    ORDER BY created_at DESC, id DESC LIMIT ?`);
  const pending = db.prepare<[string, string, number], ChatRow>(`
    SELECT * FROM chat_messages WHERE town_hall_id = ? AND author_id = ? AND status IN ('held', 'hidden')
    ORDER BY created_at DESC, id DESC LIMIT ?`);
  const published = db.prepare<[string], ChatRow>(`
    SELECT * FROM chat_messages WHERE town_hall_id = ? AND status = 'published' ORDER BY created_at, id`);
  const namedAuthors = db.prepare<[string, string], string>(`
    SELECT DISTINCT author_id FROM chat_messages WHERE town_hall_id = ? AND author_name <> ? ORDER BY author_id`).pluck();
  const forgetNames = db.prepare<[string, string, string, string], void>(`
    UPDATE chat_messages SET author_name = ?
    WHERE town_hall_id = ? AND author_id IN (SELECT value FROM json_each(?)) AND author_name <> ?`);
  const transition = db.prepare<[string, string, string, string], ChatRow>(`
    UPDATE chat_messages SET status = ?, decision = ?
    WHERE id = ? AND status IN (SELECT value FROM json_each(?)) RETURNING *`);

  return {
    async add(input: NewChatMessage) {
      const record = newChatRecord(input);
      insert.run({
        id: record.id,
        town_hall_id: record.townHallId,
        author_id: record.authorId,
        author_name: record.authorName,
        staff: record.authorRole === null ? 0 : 1,
        author_role: record.authorRole,
        text: record.text,
        created_at: record.createdAt,
        status: record.status,
        hold_reason: record.holdReason,
        filter_hits: JSON.stringify(record.filterHits),
        decision: null,
      });
      return record;
    },
    async get(id) {
      const row = byId.get(id);
      return row ? fromRow(row) : null;
    },
    async recentPublished(townHallId, limit) {
      return recent.all(townHallId, limit).map(fromRow).reverse();
    },
    async pendingOf(townHallId, authorId, limit) {
      return pending.all(townHallId, authorId, limit).map(fromRow).reverse();
    },
    async allPublished(townHallId) {
      return published.all(townHallId).map(fromRow);
    },
    async transition(id, from, to, decision) {
      const row = transition.get(to, JSON.stringify(plainDecision(decision)), id, JSON.stringify(from));
      return row ? fromRow(row) : null;
    },
    async namedAuthors(townHallId, replacement) {
      return namedAuthors.all(townHallId, replacement);
    },
    async forgetAuthorNames(townHallId, authorIds, replacement) {
      if (authorIds.length === 0) return 0;
      return forgetNames.run(replacement, townHallId, JSON.stringify(authorIds), replacement).changes;
    },
  };
}
