import { CommandError, ErrorCode } from '../../shared/errors.js';
import { refKey, type ContentRef, type FilterEntry, type Notice, type ReasonCode, type Sanction } from '../../shared/moderation.js';
import { isStaff } from '../../shared/roles.js';
import type { Logger } from '../core/log.js';
import type { RateLimits } from '../core/rate-limit.js';
import { rooms, type AppServer, type SessionUser } from '../core/types.js';
import type { Pseudonyms } from '../identity/pseudonyms.js';
import type { AuditLogStore } from './audit.js';
import { createWordFilter, type FilterRule, type WordFilter } from './filter.js';
import type { ContentAdapter, ContentStatus, ContentSummary, ModerationPipeline, Screening, ScreenInput } from './pipeline-types.js';
import { createQueueViews } from './queue-view.js';
import { excerpt, FLAGS_ACTOR, sanctionMessage } from './rules.js';
import { createSanctionCheck } from './sanctions.js';
import type { ModerationStore, QueueEntry } from './store.js';

export const MOD_ROOM = 'mod:queue';

/** How many (person, place) pairs a node remembers having recorded as taking part. */
const TOOK_PART_REMEMBERED = 50_000;

export interface ModerationDeps {
  io: AppServer;
  store: ModerationStore;
  audit: AuditLogStore;
  limits: RateLimits;
  log: Logger;
  /** The names moderators see for anonymous authors (identity's service; the secret stays there). */
  pseudonyms: Pseudonyms;
  /** Entries from the configuration; they hold and cannot be removed from the console. */
  staticRules: FilterRule[];
}

/**
 * The moderation pipeline's core: screening before content is stored, the queue, and the
 * shared steps of every decision (apply through the feature, record, tell the author, update
 * the console). The `mod:` handlers and the features build on it.
 */
export function createModerationCore(deps: ModerationDeps) {
  const { io, store, audit, log } = deps;
  const adapters = new Map<string, ContentAdapter>();
  const views = createQueueViews(store, adapters, deps.pseudonyms);
  const sanctions = createSanctionCheck(store);
  /** In-process listeners for bans and timeouts given on this node (the town hall media closes the person's video). */
  const sanctionListeners = new Set<(sanction: Sanction) => void>();
  let filter: { version: number; filter: WordFilter } | null = null;
  // Taking part is only ever added, so a pair remembered here never goes stale on any node;
  // it spares the store a write for every vote and message of someone already recorded.
  const recorded = new Set<string>();

  const currentFilter = async (): Promise<WordFilter> => {
    const version = await store.filterVersion();
    if (filter?.version !== version) {
      const entries = await store.listFilterEntries();
      filter = { version, filter: createWordFilter([...deps.staticRules, ...entries]) };
    }
    return filter.filter;
  };

  const adapterFor = (ref: ContentRef): ContentAdapter => {
    const adapter = adapters.get(ref.kind);
    if (!adapter) throw new CommandError(ErrorCode.NOT_FOUND, 'No such item.');
    return adapter;
  };

  const describe = async (ref: ContentRef): Promise<ContentSummary> => {
    const item = await adapterFor(ref).describe(ref.id);
    if (!item) throw new CommandError(ErrorCode.NOT_FOUND, 'No such item.');
    return item;
  };

  /** Tells moderators watching the queue that an entry appeared or changed, and the new totals. */
  const publishEntry = async (entry: QueueEntry | null) => {
    const item = entry ? await views.view(entry) : null;
    if (item) io.to(MOD_ROOM).emit('mod:queue-changed', { item });
    io.to(MOD_ROOM).emit('mod:stats', await views.stats());
  };
  const publishRemoval = async (ref: ContentRef) => {
    io.to(MOD_ROOM).emit('mod:queue-removed', { ref });
    io.to(MOD_ROOM).emit('mod:stats', await views.stats());
  };

  const pipeline: ModerationPipeline = {
    registerKind(adapter) {
      adapters.set(adapter.kind, adapter);
    },

    async screen(input: ScreenInput): Promise<Screening> {
      await requireAllowed(input.author, input.townHallId);
      if (!isStaff(input.author.role)) {
        const seconds = await store.getSlowMode(input.place);
        if (seconds > 0) {
          const outcome = await deps.limits.consume(
            { name: `slow-mode:${seconds}`, points: 1, seconds },
            `${input.place}:${input.author.id}`,
          );
          if (!outcome.ok) {
            throw new CommandError(ErrorCode.RATE_LIMITED, `Slow mode: one message every ${seconds} s.`, {
              retryAfterMs: outcome.retryAfterMs,
            });
          }
        }
      }
      const wordFilter = await currentFilter();
      const matches = wordFilter.check(input.text);
      if (matches.some((m) => m.action === 'block')) {
        throw new CommandError(ErrorCode.INVALID_PAYLOAD, 'This contains words that are not allowed here.', {
          fields: ['text'],
        });
      }
      await tookPart(input.author.id, input.place);
      const text = matches.some((m) => m.action === 'mask') ? wordFilter.mask(input.text) : input.text;
      const hits = matches.filter((m) => m.action === 'hold').map(({ source, term }) => ({ source, term }));
      if (hits.length) return { outcome: 'hold', holdReason: 'filter', hits, text };
      if (input.mode === 'pre' && !isStaff(input.author.role)) {
        return { outcome: 'hold', holdReason: 'premoderation', hits, text };
      }
      return { outcome: 'publish', holdReason: null, hits, text };
    },

    requireAllowed: (user, townHallId) => requireAllowed(user, townHallId),
    slowMode: (place) => store.getSlowMode(place),
    tookPart: (userId, place) => tookPart(userId, place),

    async submitted({ ref, place, status, createdAt }) {
      if (status !== 'held') return;
      await publishEntry(await store.enqueue({ ref, place, reason: 'held', flags: 0, submittedAt: createdAt }));
    },
  };

  async function tookPart(userId: string, place: string): Promise<void> {
    const key = `${userId} ${place}`;
    if (recorded.has(key)) return;
    await store.markTookPart(userId, place);
    if (recorded.size >= TOOK_PART_REMEMBERED) recorded.delete(recorded.values().next().value!);
    recorded.add(key);
  }

  /** Refuses a person under a timeout or ban (staff are never sanctioned). */
  async function requireAllowed(user: SessionUser, townHallId: string | null): Promise<void> {
    if (isStaff(user.role)) return;
    const blocking = await sanctions.blocking(user.id, townHallId);
    if (blocking) {
      throw new CommandError(ErrorCode.FORBIDDEN, sanctionMessage(blocking), { until: blocking.until });
    }
  }

  /**
   * Applies a status change through the feature (compare-and-set from the status just read),
   * records it, tells the author, and takes the item off the queue. CONFLICT when the item
   * moved meanwhile: of two moderators racing, one wins. A moderator's decision spends the
   * flags so far: only people who flag it afterwards count toward hiding it again.
   */
  async function applyDecision(input: {
    actor: SessionUser;
    item: ContentSummary;
    to: ContentStatus;
    action: string;
    reason: ReasonCode | null;
    note: string | null;
    notice: { action: Notice['action']; canAppeal: boolean } | null;
    /** Hiding keeps the item queued for review (and is not a final decision for the timings). */
    requeue?: { place: string; reason: 'flagged' | 'hidden'; flags: number };
  }): Promise<ContentSummary> {
    const { actor, item } = input;
    const now = Date.now();
    const updated = await adapterFor(item.ref).transition(item.ref.id, [item.status], input.to, {
      by: actor.id,
      at: now,
      reason: input.reason,
      note: input.note,
    });
    if (!updated) throw new CommandError(ErrorCode.CONFLICT, 'Someone already decided this item.');
    if (actor.id !== FLAGS_ACTOR.id) await store.resetFlags(item.ref);
    await record(actor, input.action, refKey(item.ref), input.reason, input.note);
    if (input.notice) await notify(item, input.notice.action, input.reason, input.notice.canAppeal, now);
    if (input.requeue) {
      await publishEntry(await store.enqueue({ ref: item.ref, ...input.requeue, submittedAt: now }));
    } else {
      await dequeue(item.ref, now);
    }
    log.info({ ref: refKey(item.ref), action: input.action, moderator: actor.id }, 'moderation decision');
    return updated;
  }

  /** Tells the author about a decision on their item: the stored notice, and live if they are here. */
  async function notify(item: ContentSummary, action: Notice['action'], reason: ReasonCode | null, canAppeal: boolean, at = Date.now()) {
    const notice = await store.addNotice({
      userId: item.authorId,
      ref: item.ref,
      action,
      reason,
      excerpt: excerpt(item.text),
      at,
      canAppeal,
    });
    io.to(rooms.user(item.authorId)).emit('mod:notice', { notice });
  }

  /** Takes an item off the queue, and tells the console if it was there. */
  async function dequeue(ref: ContentRef, at = Date.now()) {
    if (await store.dequeue(ref, at)) await publishRemoval(ref);
  }

  async function record(actor: SessionUser, action: string, target: string, reason: string | null, note: string | null) {
    await audit.append({ at: Date.now(), actorId: actor.id, actorName: actor.displayName, action, target, reason, note });
  }

  const broadcastFilter = async (): Promise<FilterEntry[]> => {
    const entries = await store.listFilterEntries();
    io.to(MOD_ROOM).emit('mod:filter-changed', { entries });
    return entries;
  };

  /** The pseudonym moderators see for an anonymous author, the same one the place shows staff. */
  const handleOf = (item: ContentSummary) => deps.pseudonyms(item.authorId, item.place.id);

  return {
    pipeline,
    views,
    handleOf,
    sanctions,
    onSanction(listener: (sanction: Sanction) => void): () => void {
      sanctionListeners.add(listener);
      return () => sanctionListeners.delete(listener);
    },
    sanctioned(sanction: Sanction): void {
      for (const listener of sanctionListeners) listener(sanction);
    },
    describe,
    requireAllowed,
    applyDecision,
    notify,
    dequeue,
    record,
    publishEntry,
    publishRemoval,
    broadcastFilter,
  };
}

export type ModerationCore = ReturnType<typeof createModerationCore>;
