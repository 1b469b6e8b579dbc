import { GENESIS_HASH, verifyChain, type AuditEntry, type AuditLogStore, type ChainVerdict } from './audit.js';

const PAGE = 1000;

/** Reads the whole log in pages (the log only grows; a page boundary never splits an entry). */
export async function readWholeLog(audit: AuditLogStore): Promise<AuditEntry[]> {
  const entries: AuditEntry[] = [];
  for (;;) {
    const page = await audit.list(entries.at(-1)?.seq ?? 0, PAGE);
    entries.push(...page);
    if (page.length < PAGE) return entries;
  }
}

/**
 * Checks the whole log: `verifyChain`, plus one check it cannot make from the entries alone,
 * that none are missing after the last one read (where the store records its head).
 */
export async function verifyLog(audit: AuditLogStore): Promise<{ verdict: ChainVerdict; head: string }> {
  const entries = await readWholeLog(audit);
  const last = entries.at(-1) ?? null;
  const head = await audit.head();
  let verdict = verifyChain(entries);
  if (verdict.ok && (head?.seq !== last?.seq || head?.hash !== last?.hash)) {
    verdict = { ok: false, seq: (last?.seq ?? 0) + 1, problem: 'is missing (the log ends before its recorded head)' };
  }
  return { verdict, head: last?.hash ?? GENESIS_HASH };
}
