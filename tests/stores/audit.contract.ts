import { describe, expect, it } from 'vitest';
import {
  GENESIS_HASH,
  hashEntry,
  verifyChain,
  type AuditLogStore,
  type NewAuditEntry,
} from '../../server/moderation/audit.js';
import { storePerTest, type MakeStore } from './harness.js';

/**
 * What someone with access to the database itself could do, bypassing the interface. Each
 * implementation supplies its own, since only it knows where the entries are kept.
 */
export interface AuditBackdoor {
  setNote(seq: number, note: string): Promise<void>;
  remove(seq: number): Promise<void>;
}

export interface AuditUnderTest {
  log: AuditLogStore;
  backdoor: AuditBackdoor;
}

const action = (n: number, extra: Partial<NewAuditEntry> = {}): NewAuditEntry => ({
  at: 1_767_000_000_000 + n,
  actorId: 'mod-kim',
  actorName: 'Sgt. Kim',
  action: 'remove',
  target: `question:question-${String(n).padStart(4, '0')}`,
  reason: 'spam',
  note: null,
  ...extra,
});

const everything = (log: AuditLogStore) => log.list(0, Infinity);

export function describeAuditLogStore(name: string, makeStore: MakeStore<AuditUnderTest>): void {
  describe(`AuditLogStore (${name})`, () => {
    const t = storePerTest(makeStore);

    it('starts empty', async () => {
      expect(await t.store.log.head()).toBeNull();
      expect(await everything(t.store.log)).toEqual([]);
    });

    it('chains the first entry to the genesis hash and each next one to the entry before', async () => {
      const first = await t.store.log.append(action(1, { note: 'said "see you outside",\nthen left' }));
      expect(first).toEqual({
        ...action(1, { note: 'said "see you outside",\nthen left' }),
        seq: 1,
        prevHash: GENESIS_HASH,
        hash: hashEntry({ ...first }),
      });
      const second = await t.store.log.append(action(2, { action: 'ban', target: 'user:resident-1', reason: null }));
      expect(second).toMatchObject({ seq: 2, prevHash: first.hash, reason: null });
      expect(await t.store.log.head()).toEqual(second);
      expect(await everything(t.store.log)).toEqual([first, second]);
    });

    it('keeps only the declared fields of what it is given', async () => {
      const extra = { ...action(1), secret: 'not part of the record' } as NewAuditEntry;
      const entry = await t.store.log.append(extra);
      expect(entry).not.toHaveProperty('secret');
      expect(await everything(t.store.log)).toEqual([entry]);
    });

    it('lists the entries after a sequence number, in order, at most the limit', async () => {
      const entries = [];
      for (let n = 1; n <= 7; n++) entries.push(await t.store.log.append(action(n)));
      expect(await t.store.log.list(0, 3)).toEqual(entries.slice(0, 3));
      expect(await t.store.log.list(3, 3)).toEqual(entries.slice(3, 6));
      expect(await t.store.log.list(6, 3)).toEqual(entries.slice(6));
      expect(await t.store.log.list(7, 3)).toEqual([]);
      expect(await t.store.log.list(2, 0)).toEqual([]);
    });

    it('forms one unbroken chain from 50 appends at once on two nodes', async () => {
      const other = await t.another();
      const appended = await Promise.all(
        Array.from({ length: 50 }, (_, i) => (i % 2 ? other.log : t.store.log).append(action(i + 1))),
      );
      const all = await everything(t.store.log);
      expect(all.map((e) => e.seq)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
      expect(verifyChain(all)).toEqual({ ok: true, entries: 50 });
      expect([...appended].sort((a, b) => a.seq - b.seq)).toEqual(all);
      expect(await other.log.head()).toEqual(all[49]);
    });

    it('continues the chain of a log another node wrote', async () => {
      const other = await t.another();
      await other.log.append(action(1));
      await other.log.append(action(2));
      const third = await t.store.log.append(action(3));
      expect(third.seq).toBe(3);
      expect(verifyChain(await everything(other.log))).toEqual({ ok: true, entries: 3 });
    });

    it('lets verifyChain find an entry edited in the database', async () => {
      for (let n = 1; n <= 5; n++) await t.store.log.append(action(n));
      await t.store.backdoor.setNote(3, 'nothing happened here');
      const all = await everything(t.store.log);
      expect(all[2]!.note).toBe('nothing happened here');
      expect(verifyChain(all)).toEqual({ ok: false, seq: 3, problem: 'was changed after it was written' });
    });

    it('lets verifyChain find an entry removed from the middle of the database', async () => {
      for (let n = 1; n <= 5; n++) await t.store.log.append(action(n));
      await t.store.backdoor.remove(3);
      const all = await everything(t.store.log);
      expect(all.map((e) => e.seq)).toEqual([1, 2, 4, 5]);
      expect(verifyChain(all)).toEqual({ ok: false, seq: 4, problem: 'expected entry 3' });
    });

    it('keeps the chain after the storage is reopened, and continues it', async () => {
      const written = [];
      for (let n = 1; n <= 3; n++) written.push(await t.store.log.append(action(n)));
      const reopened = await t.reopen();
      expect(await everything(reopened.log)).toEqual(written);
      expect(await reopened.log.head()).toEqual(written[2]);
      const fourth = await reopened.log.append(action(4));
      expect(fourth).toMatchObject({ seq: 4, prevHash: written[2]!.hash });
      expect(verifyChain(await everything(reopened.log))).toEqual({ ok: true, entries: 4 });
    });
  });
}
