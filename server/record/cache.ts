import type { TownHallRecordView } from '../../shared/record.js';
import type { Logger } from '../core/log.js';
import type { AuditEntry, AuditLogStore } from '../moderation/audit.js';
import type { RecordService } from './service.js';

/**
 * How long a record is served before it is built again. Moderation decisions, settings changes
 * and the purge on this node drop it at once; this bounds how stale a record can be on the other
 * nodes of a Redis deployment, and after changes nothing announces (a late written answer).
 */
export const RECORD_TTL_MS = 60_000;
/** Records kept at once (the least recently built go first). */
const RECORD_CACHE_LIMIT = 500;

export interface CachedRecords extends RecordService {
  /** Drops one town hall's record, or every one (the settings shape them all). */
  forget(townHallId?: string): void;
  /** Drops the record of the town hall an audit entry is about (a moderation decision on its content). */
  logged(entry: AuditEntry): Promise<void>;
}

interface Cached {
  view: TownHallRecordView;
  expiresAt: number;
}

/**
 * The public record, built once and served to every reader until something changes it: the
 * record endpoint needs no session, so without this each request would read a town hall's
 * questions, polls, transcripts and the moderation log. Only ended town halls' records are kept
 * (an error is never cached), and one build at a time per town hall.
 */
export function cacheRecords(records: RecordService, options: { ttlMs?: number; now?: () => number } = {}): CachedRecords {
  const ttlMs = options.ttlMs ?? RECORD_TTL_MS;
  const clock = options.now ?? Date.now;
  const cached = new Map<string, Cached>();
  const building = new Map<string, Promise<TownHallRecordView>>();

  const build = (townHallId: string): Promise<TownHallRecordView> => {
    const builtAt = clock();
    const promise = records.record(townHallId, builtAt).then((view) => {
      // A build that a change overtook (it was forgotten meanwhile) answers its caller but is not kept.
      if (building.get(townHallId) === promise) {
        // Guests' names leave the record at a set moment: a record built before it expires then.
        const namesLeave = builtAt < view.guestNamesUntil ? view.guestNamesUntil : Infinity;
        if (cached.size >= RECORD_CACHE_LIMIT) cached.delete(cached.keys().next().value!);
        cached.set(townHallId, { view, expiresAt: Math.min(builtAt + ttlMs, namesLeave) });
      }
      return view;
    });
    building.set(townHallId, promise);
    void promise.finally(() => {
      if (building.get(townHallId) === promise) building.delete(townHallId);
    }).catch(() => {});
    return promise;
  };

  const forget = (townHallId?: string) => {
    if (townHallId === undefined) {
      cached.clear();
      building.clear();
    } else {
      cached.delete(townHallId);
      building.delete(townHallId);
    }
  };

  return {
    async record(townHallId, now) {
      // A chosen moment (tests, tools) is answered afresh: the cache holds the present only.
      if (now !== undefined) return records.record(townHallId, now);
      const hit = cached.get(townHallId);
      if (hit && clock() < hit.expiresAt) return hit.view;
      if (hit) cached.delete(townHallId);
      return building.get(townHallId) ?? build(townHallId);
    },
    townHallOf: (entry) => records.townHallOf(entry),
    async purgeGuestNames(now) {
      const purged = await records.purgeGuestNames(now);
      if (purged.townHalls > 0) forget();
      return purged;
    },
    forget,
    async logged(entry) {
      const townHallId = await records.townHallOf(entry);
      if (townHallId) forget(townHallId);
    },
  };
}

/** The audit log as the moderation pipeline writes it, telling a listener of every entry once it is stored. */
export interface WatchedAudit extends AuditLogStore {
  /** Sets the one listener (the record cache); entries appended before it is set tell no one. */
  onAppend(listener: (entry: AuditEntry) => Promise<void>): void;
}

export function watchAudit(audit: AuditLogStore, log: Logger): WatchedAudit {
  let listener: ((entry: AuditEntry) => Promise<void>) | null = null;
  return {
    async append(entry) {
      const stored = await audit.append(entry);
      await listener?.(stored).catch((err: unknown) => log.warn({ err, seq: stored.seq }, 'record cache not told of an audit entry'));
      return stored;
    },
    list: (afterSeq, limit) => audit.list(afterSeq, limit),
    head: () => audit.head(),
    onAppend(told) {
      listener = told;
    },
  };
}
