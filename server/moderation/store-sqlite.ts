import type { Database } from '../storage/sqlite.js';
import { createSqliteAppealStore } from './appeal-store-sqlite.js';
import { createSqliteFilterStore } from './filter-store-sqlite.js';
import { createSqliteQueueStore } from './queue-store-sqlite.js';
import { createSqliteSanctionStore } from './sanction-store-sqlite.js';
import type { ModerationStores } from './store.js';

/** The moderation parts on one SQLite file, in the tables they have always had. */
export function createSqliteModerationStores(db: Database): ModerationStores {
  return {
    filter: createSqliteFilterStore(db),
    queue: createSqliteQueueStore(db),
    sanctions: createSqliteSanctionStore(db),
    appeals: createSqliteAppealStore(db),
  };
}
