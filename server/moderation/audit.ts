import { createHash } from 'node:crypto';

/**
 * One line of the moderation record. Entries are chained: each `hash` covers the entry and the
 * previous entry's hash, so editing, removing or reordering any entry breaks every hash after
 * it, and `verifyChain` finds where.
 */
export interface AuditEntry {
  seq: number;
  at: number;
  actorId: string;
  actorName: string;
  /** approve, hide, reject, remove, restore, flag-hide, timeout, ban, lift, filter-add, filter-remove, slow-mode, appeal-upheld, appeal-restored */
  action: string;
  /** What was acted on: 'question:<id>', 'post:<id>', 'user:<id>', 'filter:<term>', 'townhall:<id>' … */
  target: string;
  reason: string | null;
  note: string | null;
  prevHash: string;
  hash: string;
}

export type NewAuditEntry = Omit<AuditEntry, 'seq' | 'prevHash' | 'hash'>;

/** The hash before the first entry. */
export const GENESIS_HASH = '0'.repeat(64);

/** The fields a hash covers, in a fixed order, so the same entry always hashes the same. */
export function hashEntry(entry: Omit<AuditEntry, 'hash'>): string {
  const canonical = JSON.stringify([
    entry.seq,
    entry.at,
    entry.actorId,
    entry.actorName,
    entry.action,
    entry.target,
    entry.reason,
    entry.note,
    entry.prevHash,
  ]);
  return createHash('sha256').update(canonical).digest('hex');
}

/** Builds the next entry of a chain whose last entry is `head` (null for an empty log). */
export function chainEntry(head: Pick<AuditEntry, 'seq' | 'hash'> | null, entry: NewAuditEntry): AuditEntry {
  const linked = { ...entry, seq: (head?.seq ?? 0) + 1, prevHash: head?.hash ?? GENESIS_HASH };
  return { ...linked, hash: hashEntry(linked) };
}

export type ChainVerdict = { ok: true; entries: number } | { ok: false; seq: number; problem: string };

/** Checks a whole log, in order: sequence numbers without gaps, each link, each hash. */
export function verifyChain(entries: readonly AuditEntry[]): ChainVerdict {
  let previous: AuditEntry | null = null;
  for (const entry of entries) {
    const expectedSeq: number = (previous?.seq ?? 0) + 1;
    if (entry.seq !== expectedSeq) return { ok: false, seq: entry.seq, problem: `expected entry ${expectedSeq}` };
    if (entry.prevHash !== (previous?.hash ?? GENESIS_HASH)) {
      return { ok: false, seq: entry.seq, problem: 'does not follow the entry before it' };
    }
    if (hashEntry(entry) !== entry.hash) return { ok: false, seq: entry.seq, problem: 'was changed after it was written' };
    previous = entry;
  }
  return { ok: true, entries: entries.length };
}

/**
 * Where the record is kept. Invariants (tests/stores/audit.contract.ts, both implementations):
 * - `append` is atomic: concurrent appends from several nodes still form one unbroken chain
 *   (sequence 1, 2, 3 … each linked to the one before);
 * - entries are never changed or removed by this interface;
 * - every method resolves only after its write is stored.
 */
export interface AuditLogStore {
  append(entry: NewAuditEntry): Promise<AuditEntry>;
  /** Entries with seq > `afterSeq`, in order, at most `limit`. */
  list(afterSeq: number, limit: number): Promise<AuditEntry[]>;
  head(): Promise<AuditEntry | null>;
}
