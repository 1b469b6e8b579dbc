import type { AppealStore } from './appeal-store.js';
import type { FilterStore } from './filter-store.js';
import type { QueueStore } from './queue-store.js';
import type { SanctionStore } from './sanction-store.js';

/**
 * Everything moderation keeps besides the content itself (each feature keeps its content and
 * its status), as one store per part. Each part's invariants are written beside its interface
 * and checked by its own contract suite; no invariant spans two parts, so each can be backed,
 * tested and replaced alone.
 */
export interface ModerationStores {
  filter: FilterStore;
  queue: QueueStore;
  sanctions: SanctionStore;
  appeals: AppealStore;
}
