import type { AppServer } from '../core/types.js';
import { createWordFilter, type FilterRule, type WordFilter } from './filter.js';
import type { FilterStore } from './filter-store.js';
import type { FilterPart, Recorder } from './parts.js';
import { MOD_ROOM } from './queue-part.js';

export function createFilterPart(deps: {
  io: AppServer;
  store: FilterStore;
  record: Recorder;
  /** Entries from the configuration; they hold and cannot be removed from the console. */
  staticRules: FilterRule[];
}): FilterPart {
  const { io, store, record } = deps;
  // Compiled again only when the version moves, which any node's change raises.
  let compiled: { version: number; filter: WordFilter } | null = null;
  const broadcast = async () => io.to(MOD_ROOM).emit('mod:filter-changed', { entries: await store.listFilterEntries() });
  return {
    store,
    async current() {
      const version = await store.filterVersion();
      if (compiled?.version !== version) {
        const entries = await store.listFilterEntries();
        compiled = { version, filter: createWordFilter([...deps.staticRules, ...entries]) };
      }
      return compiled.filter;
    },
    async add(actor, term, action) {
      const entry = await store.addFilterEntry({ term: term.toLowerCase(), action, createdBy: actor.displayName });
      if (!entry) return null;
      await record(actor, 'filter-add', `filter:${entry.term}`, null, action);
      await broadcast();
      return entry;
    },
    async remove(actor, id) {
      const entry = await store.removeFilterEntry(id);
      if (!entry) return null;
      await record(actor, 'filter-remove', `filter:${entry.term}`, null, entry.action);
      await broadcast();
      return entry;
    },
  };
}
