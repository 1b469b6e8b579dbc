// Checks the moderation record end to end: `npm run audit:verify`. Reads the same storage the
// server uses (REDIS_URL, or the SQLite file in ROUNDTABLE_DATA_DIR) and only reads it.
// Exit status: 0 the chain is intact, 1 it is broken, 2 the check could not run.
import path from 'node:path';
import { loadConfig } from '../config.js';
import { GENESIS_HASH, verifyChain, type AuditEntry, type AuditLogStore, type ChainVerdict } from '../moderation/audit.js';
import { openStores } from '../storage/index.js';

const PAGE = 1000;

async function readAll(log: AuditLogStore): Promise<AuditEntry[]> {
  const entries: AuditEntry[] = [];
  for (;;) {
    const page = await log.list(entries.at(-1)?.seq ?? 0, PAGE);
    if (page.length === 0) return entries;
    entries.push(...page);
  }
}

/** verifyChain, plus one check it cannot make from the entries alone: that none are missing at the end. */
function verdict(entries: AuditEntry[], head: AuditEntry | null): ChainVerdict {
  const chain = verifyChain(entries);
  if (!chain.ok) return chain;
  const last = entries.at(-1) ?? null;
  if (head?.seq !== last?.seq || head?.hash !== last?.hash) {
    return { ok: false, seq: (last?.seq ?? 0) + 1, problem: 'is missing (the log ends before its recorded head)' };
  }
  return chain;
}

let stores: Awaited<ReturnType<typeof openStores>> | undefined;
try {
  const config = loadConfig();
  stores = await openStores(
    config.redisUrl ? { kind: 'redis', url: config.redisUrl } : { kind: 'sqlite', file: path.join(config.dataDir, 'roundtable.db') },
  );
  const entries = await readAll(stores.audit);
  const result = verdict(entries, await stores.audit.head());
  if (result.ok) {
    console.log(`audit log OK: ${result.entries} entries, head ${entries.at(-1)?.hash ?? GENESIS_HASH}`);
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
