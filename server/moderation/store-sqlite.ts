import type { Database } from '../storage/sqlite.js';
import type { SqliteSchema } from '../storage/migrations.js';
import { appealSchema, createSqliteAppealStore } from './appeal-store-sqlite.js';
import { createSqliteFilterStore, filterSchema } from './filter-store-sqlite.js';
import { createSqliteQueueStore, queueSchema } from './queue-store-sqlite.js';
import { createSqliteSanctionStore, sanctionSchema } from './sanction-store-sqlite.js';
import type { ModerationStores } from './store.js';

/** The moderation parts' tables, each versioned on its own. */
export const moderationSchemas: readonly SqliteSchema[] = [filterSchema, queueSchema, sanctionSchema, appealSchema];

/** The moderation parts on one SQLite file, in the tables they have always had. */
export function createSqliteModerationStores(db: Database): ModerationStores {
  return {
    filter: createSqliteFilterStore(db),
    queue: createSqliteQueueStore(db),
    sanctions: createSqliteSanctionStore(db),
    appeals: createSqliteAppealStore(db),
  };
}
