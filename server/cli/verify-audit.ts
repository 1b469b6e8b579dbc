// Checks the moderation record end to end: `npm run audit:verify`. Reads the same storage the
// server uses (REDIS_URL, or the SQLite file in ROUNDTABLE_DATA_DIR) and only reads it.
// Exit status: 0 the chain is intact, 1 it is broken, 2 the check could not run.
import { loadConfig } from '../config.js';
import { verifyLog } from '../moderation/audit-read.js';
import { openConfiguredStores, type Stores } from '../stores.js';

let stores: Stores | undefined;
try {
  const config = loadConfig();
  stores = await openConfiguredStores(config);
  const { verdict: result, head } = await verifyLog(stores.audit);
  if (result.ok) {
    console.log(`audit log OK: ${result.entries} entries, head ${head}`);
  } else {
    console.log(`audit log BROKEN at entry ${result.seq}: ${result.problem}`);
    process.exitCode = 1;
  }
} catch (err) {
  console.error(`could not check the audit log: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 2;
} finally {
  await stores?.close();
}
