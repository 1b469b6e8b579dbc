import type { ContentAdapter } from './pipeline-types.js';
import type { QueuePart } from './parts.js';
import type { AppealStore } from './appeal-store.js';
import type { QueueStore } from './queue-store.js';
import { createQueueViews } from './queue-view.js';
import type { AppServer } from '../core/types.js';
import type { Pseudonyms } from '../identity/pseudonyms.js';

export const MOD_ROOM = 'mod:queue';

export function createQueuePart(deps: {
  io: AppServer;
  store: QueueStore;
  appeals: AppealStore;
  adapters: ReadonlyMap<string, ContentAdapter>;
  pseudonyms: Pseudonyms;
}): QueuePart {
  const { io, store } = deps;
  const views = createQueueViews(store, deps.appeals, deps.adapters, deps.pseudonyms);
  return {
    store,
    view: views.view,
    stats: views.stats,
    async enqueue(entry) {
      const queued = await store.enqueue(entry);
      const item = await views.view(queued);
      if (item) io.to(MOD_ROOM).emit('mod:queue-changed', { item });
      io.to(MOD_ROOM).emit('mod:stats-changed', await views.stats());
      return queued;
    },
    async dequeue(ref, at = Date.now()) {
      if (!(await store.dequeue(ref, at))) return;
      io.to(MOD_ROOM).emit('mod:queue-removed', { ref });
      io.to(MOD_ROOM).emit('mod:stats-changed', await views.stats());
    },
  };
}
