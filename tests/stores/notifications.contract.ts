// The follows, notices and mail addresses contract, run on both implementations (stores.test.ts).
import { describe, expect, it } from 'vitest';
import type { MailAddress, NewNotice, NotificationStore } from '../../server/notifications/store.js';
import { NOTICES_KEPT } from '../../server/notifications/store.js';
import { storePerTest, type MakeStore } from './harness.js';

const follow = (questionId: string, personId: string, since = 1000) => ({ questionId, personId, townHallId: 'th-1', excerpt: 'Speeding on Elm', since });
const notice = (personId: string, at: number, questionId = 'q-1'): NewNotice => ({
  personId,
  questionId,
  townHallId: 'th-1',
  excerpt: 'Speeding on Elm',
  kind: 'answered',
  detail: 'We added patrols.',
  reason: null,
  status: null,
  at,
});
let counter = 0;
const address = (personId: string, questionId: string, over: Partial<MailAddress> = {}): MailAddress => ({
  id: `addr-${++counter}`,
  personId,
  questionId,
  address: `${personId}@example.org`,
  locale: 'en',
  createdAt: 1000,
  confirmHash: `hash-${counter}-0123456789`,
  confirmExpiresAt: 5000,
  confirmedAt: null,
  ...over,
});

export function describeNotificationStore(name: string, makeStore: MakeStore<NotificationStore>): void {
  describe(`NotificationStore (${name})`, () => {
    const t = storePerTest(makeStore);

    it('keeps one follow per person per question, and stops it once', async () => {
      expect(await t.store.follow(follow('q-1', 'ana', 1000))).toBe(true);
      expect(await t.store.follow(follow('q-1', 'ana', 2000))).toBe(false);
      expect(await (await t.another()).follow(follow('q-1', 'ana', 3000))).toBe(false);
      await t.store.follow(follow('q-1', 'ben'));
      await t.store.follow(follow('q-2', 'ana', 1500));
      expect((await t.store.followers('q-1')).sort()).toEqual(['ana', 'ben']);
      expect((await t.store.followedBy('ana')).map((f) => [f.questionId, f.since])).toEqual([
        ['q-2', 1500],
        ['q-1', 1000],
      ]);
      expect(await t.store.unfollow('q-1', 'ana')).toBe(true);
      expect(await t.store.unfollow('q-1', 'ana')).toBe(false);
      const reopened = await t.reopen();
      expect(await reopened.isFollowing('q-1', 'ana')).toBe(false);
      expect(await reopened.isFollowing('q-1', 'ben')).toBe(true);
      expect(await reopened.followers('q-1')).toEqual(['ben']);
    });

    it('lists a person’s notices newest first and marks only their own read', async () => {
      const first = await t.store.addNotice(notice('ana', 100));
      const second = await t.store.addNotice({ ...notice('ana', 200), kind: 'closed', reason: 'open-case', detail: null });
      const bens = await t.store.addNotice(notice('ben', 150));
      expect(second).toMatchObject({ kind: 'closed', reason: 'open-case', detail: null, read: false });
      expect((await t.store.noticesFor('ana', 10)).map((n) => n.id)).toEqual([second.id, first.id]);
      expect(await t.store.markRead('ana', [first.id, bens.id, 'no-such-id'])).toBe(1);
      expect(await t.store.markRead('ana', [first.id])).toBe(0);
      const reopened = await t.reopen();
      expect((await reopened.noticesFor('ana', 10)).map((n) => [n.id, n.read])).toEqual([
        [second.id, false],
        [first.id, true],
      ]);
      expect(await reopened.noticesFor('ben', 10)).toEqual([{ ...bens, read: false }]);
      expect(await reopened.noticesFor('ana', 1)).toHaveLength(1);
    });

    it(`keeps a person’s newest ${NOTICES_KEPT} notices`, async () => {
      for (let i = 0; i < NOTICES_KEPT + 3; i++) await t.store.addNotice(notice('ana', 1000 + i));
      const kept = await t.store.noticesFor('ana', NOTICES_KEPT + 10);
      expect(kept).toHaveLength(NOTICES_KEPT);
      expect(kept.at(-1)?.at).toBe(1003);
    });

    it('keeps one address per person and question, replaced unconfirmed, and confirms a token once', async () => {
      const a = address('ana', 'q-1');
      await t.store.putAddress(a);
      expect(await t.store.addressFor('ana', 'q-1')).toEqual(a);
      expect(await t.store.confirm('no-such-hash-012345', 100)).toEqual({ ok: false, why: 'unknown' });
      const replaced = address('ana', 'q-1', { address: 'other@example.org' });
      await t.store.putAddress(replaced);
      expect(await t.store.addressById(a.id)).toBeNull();
      expect(await t.store.confirm(a.confirmHash, 100)).toEqual({ ok: false, why: 'unknown' });
      expect(await t.store.confirmedAddresses('q-1')).toEqual([]);
      const other = await t.another();
      const [one, two] = await Promise.all([t.store.confirm(replaced.confirmHash, 200), other.confirm(replaced.confirmHash, 200)]);
      expect([one, two].filter((o) => o.ok)).toHaveLength(1);
      expect([one, two].find((o) => !o.ok)).toEqual({ ok: false, why: 'used' });
      expect(await t.store.confirm(replaced.confirmHash, 300)).toEqual({ ok: false, why: 'used' });
      expect(await (await t.reopen()).confirmedAddresses('q-1')).toEqual([{ ...replaced, confirmedAt: 200 }]);
    });

    it('refuses an expired token and confirms nothing', async () => {
      const a = address('ana', 'q-1', { confirmExpiresAt: 5000 });
      await t.store.putAddress(a);
      expect(await t.store.confirm(a.confirmHash, 5000)).toEqual({ ok: false, why: 'expired' });
      expect((await t.store.addressFor('ana', 'q-1'))?.confirmedAt).toBeNull();
      expect(await t.store.confirmedAddresses('q-1')).toEqual([]);
    });

    it('deletes addresses by id, by question, by age, and with the follow', async () => {
      const a = address('ana', 'q-1', { createdAt: 100 });
      const b = address('ben', 'q-1', { createdAt: 900 });
      const c = address('cy', 'q-2', { createdAt: 100 });
      const d = address('dee', 'q-3', { createdAt: 900 });
      for (const x of [a, b, c, d]) await t.store.putAddress(x);
      await t.store.follow(follow('q-3', 'dee'));
      expect(await t.store.deleteAddressesBefore(500)).toBe(2);
      expect(await t.store.addressById(a.id)).toBeNull();
      expect(await t.store.addressById(c.id)).toBeNull();
      expect(await t.store.confirm(a.confirmHash, 1)).toEqual({ ok: false, why: 'unknown' });
      expect(await t.store.deleteAddressesFor('q-1')).toBe(1);
      expect(await t.store.addressFor('ben', 'q-1')).toBeNull();
      expect(await t.store.deleteAddressesFor('q-1')).toBe(0);
      await t.store.unfollow('q-3', 'dee');
      expect(await t.store.addressFor('dee', 'q-3')).toBeNull();
      expect(await t.store.deleteAddress(d.id)).toBe(false);
      const e = address('eve', 'q-4');
      await t.store.putAddress(e);
      expect(await t.store.deleteAddress(e.id)).toBe(true);
      expect(await (await t.reopen()).addressFor('eve', 'q-4')).toBeNull();
    });

    it('keeps the mail settings', async () => {
      expect(await t.store.mailSettings()).toBeNull();
      const settings = { host: 'smtp.example.org', port: 587, secure: false, user: 'u', password: 'p', from: 'pd@example.org', retentionDays: 30 };
      await t.store.putMailSettings(settings);
      expect(await (await t.reopen()).mailSettings()).toEqual(settings);
    });
  });
}
