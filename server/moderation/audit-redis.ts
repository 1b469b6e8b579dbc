import { setTimeout as delay } from 'node:timers/promises';
import { lua, present, rkey, type RedisClient } from '../storage/redis.js';
import { chainEntry, type AuditEntry, type AuditLogStore, type NewAuditEntry } from './audit.js';
import { plainAuditEntry } from './audit-records.js';

export const auditKeys = {
  /** seq and hash of the last entry; absent while the log is empty. */
  head: rkey('audit', 'head'),
  /** One hash per entry, so `list` reads exactly the entries it returns. */
  entry: (seq: number) => rkey('audit', 'entry', String(seq)),
};

/** How many times one append may lose the race to another node before it gives up. */
const MAX_TRIES = 50;
/** The longest random pause, in ms, before retrying after losing the race again and again. */
const MAX_BACKOFF_MS = 64;
/** Entries read per round trip by `list`. */
const READ_BATCH = 500;

// Compare-and-set on the head: the entry was hashed in Node against the head it expected, and
// is stored only if that is still the head. Otherwise the script answers with the real head,
// so the caller can re-hash without another read.
const append = lua(`
  local head = redis.call('HMGET', KEYS[1], 'seq', 'hash')
  local seq, hash = head[1] or '0', head[2] or ''
  if seq ~= ARGV[1] or hash ~= ARGV[2] then return { 0, seq, hash } end
  if redis.call('EXISTS', KEYS[2]) == 1 then
    return redis.error_reply('the audit log has an entry past its head')
  end
  redis.call('HSET', KEYS[2], unpack(ARGV, 5))
  redis.call('HSET', KEYS[1], 'seq', ARGV[3], 'hash', ARGV[4])
  return { 1, ARGV[3], ARGV[4] }
`);

type Head = Pick<AuditEntry, 'seq' | 'hash'> | null;

// Null fields are left out of the hash rather than written as a sentinel string.
function toFields(e: AuditEntry): string[] {
  const fields = ['seq', String(e.seq), 'at', String(e.at), 'actorId', e.actorId, 'actorName', e.actorName];
  fields.push('action', e.action, 'target', e.target, 'prevHash', e.prevHash, 'hash', e.hash);
  if (e.reason !== null) fields.push('reason', e.reason);
  if (e.note !== null) fields.push('note', e.note);
  return fields;
}

const fromHash = (h: Record<string, string>): AuditEntry => ({
  seq: Number(h.seq),
  at: Number(h.at),
  actorId: h.actorId!,
  actorName: h.actorName!,
  action: h.action!,
  target: h.target!,
  reason: h.reason ?? null,
  note: h.note ?? null,
  prevHash: h.prevHash!,
  hash: h.hash!,
});

export function createRedisAuditLogStore(redis: RedisClient): AuditLogStore {
  const entry = async (seq: number): Promise<AuditEntry | null> => {
    const h = present(await redis.hGetAll(auditKeys.entry(seq)));
    return h ? fromHash(h) : null;
  };

  // Only a hint: the script checks it. Starting from "empty" costs one refused attempt on a
  // log that already has entries, and saves a read on every append after that.
  let knownHead: Head = null;

  const tryAppend = async (input: NewAuditEntry): Promise<AuditEntry> => {
    for (let attempt = 0; attempt < MAX_TRIES; attempt++) {
      const next = chainEntry(knownHead, input);
      const reply = (await append.run(
        redis,
        [auditKeys.head, auditKeys.entry(next.seq)],
        [String(knownHead?.seq ?? 0), knownHead?.hash ?? '', String(next.seq), next.hash, ...toFields(next)],
      )) as [number, string, string];
      const seq = Number(reply[1]);
      knownHead = seq === 0 ? null : { seq, hash: reply[2] };
      if (reply[0] === 1) return next;
      // The reply carries the new head, so the first retry goes at once. After that, several
      // nodes are appending together, and a random pause keeps them from colliding in lockstep.
      if (attempt > 0) await delay(Math.random() * Math.min(2 ** attempt, MAX_BACKOFF_MS));
    }
    throw new Error(`audit append lost the race for the head ${MAX_TRIES} times in a row`);
  };

  // Appends from this node go one at a time, so they never race each other for the head; only
  // other nodes' appends can make one retry.
  let tail: Promise<unknown> = Promise.resolve();

  return {
    append(input) {
      const plain = plainAuditEntry(input);
      const appended = tail.then(() => tryAppend(plain));
      tail = appended.catch(() => {});
      return appended;
    },
    async list(afterSeq, limit) {
      const headSeq = Number((await redis.hGet(auditKeys.head, 'seq')) ?? 0);
      const max = Number.isFinite(limit) ? Math.floor(limit) : Infinity;
      const out: AuditEntry[] = [];
      // Walks seq numbers up to the head rather than the keyspace; a missing entry (which only
      // tampering can cause) is skipped, as the SQLite store skips a missing row.
      let next = Math.max(0, Math.floor(afterSeq)) + 1;
      while (out.length < max && next <= headSeq) {
        const count = Math.min(READ_BATCH, max - out.length, headSeq - next + 1);
        const batch = await Promise.all(Array.from({ length: count }, (_, i) => entry(next + i)));
        for (const e of batch) if (e) out.push(e);
        next += count;
      }
      return out;
    },
    async head() {
      const seq = await redis.hGet(auditKeys.head, 'seq');
      return seq === null ? null : entry(Number(seq));
    },
  };
}
