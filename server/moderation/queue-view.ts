import type { QueueItemView, QueueStats } from '../../shared/moderation-events.js';
import type { Pseudonyms } from '../identity/pseudonyms.js';
import type { ContentAdapter } from './pipeline-types.js';
import type { AppealStore } from './appeal-store.js';
import type { QueueEntry, QueueStore } from './queue-store.js';

/** Turns queue entries into what the console shows, asking each feature for its content. */
export function createQueueViews(store: QueueStore, appeals: AppealStore, adapters: ReadonlyMap<string, ContentAdapter>, pseudonym: Pseudonyms) {
  return {
    async view(entry: QueueEntry): Promise<QueueItemView | null> {
      const item = await adapters.get(entry.ref.kind)?.describe(entry.ref.id);
      if (!item) return null;
      const appeal = entry.reason === 'appealed' ? await appeals.getAppeal(entry.ref) : null;
      return {
        ref: entry.ref,
        place: item.place,
        reason: entry.reason,
        flags: entry.flags,
        submittedAt: entry.submittedAt,
        claim: entry.claim,
        text: item.text,
        status: item.status,
        authorName: item.anonymous ? null : item.authorName,
        authorHandle: item.anonymous ? pseudonym(item.authorId, item.place.id) : null,
        authorId: item.anonymous ? null : item.authorId,
        holdReason: item.holdReason,
        filterHits: item.filterHits,
        appeal: appeal ? { text: appeal.text, at: appeal.at, appealedDecisionBy: appeal.appealedDecisionBy } : null,
        decision: item.decision ? { by: item.decision.by, reason: item.decision.reason, note: item.decision.note } : null,
      };
    },
    async stats(): Promise<QueueStats> {
      const [queue, times] = await Promise.all([store.listQueue(), store.recentDecisionTimes(200)]);
      return { queueLength: queue.length, medianDecisionMs: median(times) };
    },
  };
}

export function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : Math.round((sorted[mid - 1]! + sorted[mid]!) / 2);
}
