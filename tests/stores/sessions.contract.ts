import { describe, expect, it, vi } from 'vitest';
import type { SessionStore } from '../../server/identity/session-store.js';
import { storePerTest, type MakeStore } from './harness.js';

const HOUR = 3600_000;

export function describeSessionStore(name: string, makeStore: MakeStore<SessionStore>): void {
  describe(`SessionStore (${name})`, () => {
    const t = storePerTest(makeStore);

    it('returns exactly the session it stored', async () => {
      const created = await t.store.createSession('user-a', 12 * HOUR);
      expect(created.id).toMatch(/^[A-Za-z0-9_-]{16}$/);
      expect(created.userId).toBe('user-a');
      expect(created.expiresAt - created.createdAt).toBe(12 * HOUR);
      expect(await t.store.getSession(created.id)).toEqual(created);
    });

    it('gives every session its own id, even for one person', async () => {
      const ids = await Promise.all([1, 2, 3, 4].map(() => t.store.createSession('user-a', HOUR)));
      expect(new Set(ids.map((s) => s.id)).size).toBe(4);
    });

    it('resolves to null for an unknown id', async () => {
      expect(await t.store.getSession('nobody-here-0000')).toBeNull();
      expect(await t.store.revokeSession('nobody-here-0000')).toBe(false);
      expect(await t.store.revokeUserSessions('nobody')).toBe(0);
    });

    it('reads an expired session as absent', async () => {
      vi.useFakeTimers({ toFake: ['Date'] });
      const now = Date.now();
      vi.setSystemTime(now);
      const session = await t.store.createSession('user-a', 1000);
      vi.setSystemTime(now + 999);
      expect(await t.store.getSession(session.id)).toEqual(session);
      vi.setSystemTime(now + 1000);
      expect(await t.store.getSession(session.id)).toBeNull();
      expect(await t.store.revokeSession(session.id)).toBe(false);
    });

    it('ends one session and leaves the person’s others alone', async () => {
      const phone = await t.store.createSession('user-a', HOUR);
      const laptop = await t.store.createSession('user-a', HOUR);
      expect(await t.store.revokeSession(phone.id)).toBe(true);
      expect(await t.store.getSession(phone.id)).toBeNull();
      expect(await t.store.getSession(laptop.id)).toEqual(laptop);
      expect(await t.store.revokeSession(phone.id)).toBe(false);
    });

    it('ends every session of one person and no one else’s', async () => {
      const mine = await Promise.all([1, 2, 3].map(() => t.store.createSession('user-a', HOUR)));
      const theirs = await t.store.createSession('user-b', HOUR);
      await t.store.revokeSession(mine[0]!.id);
      expect(await t.store.revokeUserSessions('user-a')).toBe(2);
      for (const s of mine) expect(await t.store.getSession(s.id)).toBeNull();
      expect(await t.store.getSession(theirs.id)).toEqual(theirs);
      const later = await t.store.createSession('user-a', HOUR);
      expect(await t.store.getSession(later.id)).toEqual(later);
    });

    it('shows a revocation on another connection at once', async () => {
      const other = await t.another();
      const a = await t.store.createSession('user-a', HOUR);
      const b = await t.store.createSession('user-a', HOUR);
      expect(await other.getSession(a.id)).toEqual(a);
      await t.store.revokeSession(a.id);
      expect(await other.getSession(a.id)).toBeNull();
      await other.revokeUserSessions('user-a');
      expect(await t.store.getSession(b.id)).toBeNull();
    });

    it('keeps live sessions and forgets ended ones after the storage is reopened', async () => {
      const kept = await t.store.createSession('user-a', HOUR);
      const ended = await t.store.createSession('user-b', HOUR);
      await t.store.revokeSession(ended.id);
      const reopened = await t.reopen();
      expect(await reopened.getSession(kept.id)).toEqual(kept);
      expect(await reopened.getSession(ended.id)).toBeNull();
    });
  });
}
