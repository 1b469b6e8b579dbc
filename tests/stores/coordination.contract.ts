import { describe, expect, it, vi } from 'vitest';
import { NodeUnreachableError, type Coordination } from '../../server/core/coordination.js';
import { createLogger } from '../../server/core/log.js';
import { storePerTest, type MakeStore } from './harness.js';

const log = createLogger('silent');
const rule = { name: 'contract', points: 2, seconds: 60 };
const alice = { userId: 'u-alice', displayName: 'Alice Ng' };
const bob = { userId: 'u-bob', displayName: 'Bob de Vries' };

/** The coordination seam on one backend; `another()` is a second node on the same backend. */
export function describeCoordination(name: string, makeStore: MakeStore<Coordination>): void {
  describe(`Coordination (${name})`, () => {
    const t = storePerTest(makeStore);

    describe('dirty keys', () => {
      it('hands each marked key out once per tick', async () => {
        const keys = t.store.dirtyKeys('contract', 10_000, log);
        keys.mark('q1');
        keys.mark('q2');
        keys.mark('q1');
        expect((await keys.take()).sort()).toEqual(['q1', 'q2']);
        expect(await keys.take()).toEqual([]);
      });

      it('gives a tick to one node only', async () => {
        const one = t.store.dirtyKeys('contract', 10_000, log);
        const two = (await t.another()).dirtyKeys('contract', 10_000, log);
        one.mark('q1');
        const taken = await Promise.all([one.take(), two.take()]);
        expect(taken.flat()).toEqual(['q1']);
      });

      it('marks restored keys again for the next tick', async () => {
        const keys = t.store.dirtyKeys('contract', 10, log);
        keys.mark('q1');
        const taken = await keys.take();
        keys.restore(taken);
        await vi.waitFor(async () => expect(await keys.take()).toEqual(['q1']));
      });

      it('keeps the sets of different names apart', async () => {
        const votes = t.store.dirtyKeys('votes', 10_000, log);
        const results = t.store.dirtyKeys('results', 10_000, log);
        votes.mark('q1');
        expect(await results.take()).toEqual([]);
        expect(await votes.take()).toEqual(['q1']);
      });
    });

    describe('rate limits', () => {
      it('refuses past the budget and says when to come back', async () => {
        expect(await t.store.limits.consume(rule, 'k')).toEqual({ ok: true });
        expect(await t.store.limits.consume(rule, 'k')).toEqual({ ok: true });
        const refused = await t.store.limits.consume(rule, 'k');
        expect(refused.ok).toBe(false);
        if (!refused.ok) expect(refused.retryAfterMs).toBeGreaterThan(0);
        expect(await t.store.limits.consume(rule, 'other')).toEqual({ ok: true });
      });

      it('counts what a key spent without spending', async () => {
        expect(await t.store.limits.count(rule, 'k')).toBe(0);
        await t.store.limits.consume(rule, 'k');
        expect(await t.store.limits.count(rule, 'k')).toBe(1);
        expect(await t.store.limits.count(rule, 'k')).toBe(1);
      });

      it('gives a spent point back', async () => {
        await t.store.limits.consume(rule, 'k');
        await t.store.limits.consume(rule, 'k');
        await t.store.limits.refund(rule, 'k');
        expect(await t.store.limits.count(rule, 'k')).toBe(1);
        expect(await t.store.limits.consume(rule, 'k')).toEqual({ ok: true });
      });

      it('shares one budget between nodes', async () => {
        const other = await t.another();
        await t.store.limits.consume(rule, 'k');
        await other.limits.consume(rule, 'k');
        expect((await t.store.limits.consume(rule, 'k')).ok).toBe(false);
        expect(await other.limits.count(rule, 'k')).toBeGreaterThanOrEqual(2);
      });
    });

    describe('invalidations', () => {
      const next = (coordination: Coordination, channel: string) =>
        new Promise<{ key: string; off: () => void }>((resolve, reject) => {
          const off = coordination.invalidations(channel).subscribe((key) => void off.then((stop) => resolve({ key, off: stop })));
          off.catch(reject);
        });

      it('reaches subscribers on this node and on another', async () => {
        const other = await t.another();
        const here = next(t.store, 'sanctions');
        const there = next(other, 'sanctions');
        // Both subscriptions are in place before the publish.
        await t.store.invalidations('sanctions').subscribe(() => {});
        await other.invalidations('sanctions').subscribe(() => {});
        await t.store.invalidations('sanctions').publish('u-alice');
        expect((await here).key).toBe('u-alice');
        expect((await there).key).toBe('u-alice');
      });

      it('stops reaching a listener once it unsubscribes', async () => {
        const heard: string[] = [];
        const off = await t.store.invalidations('sanctions').subscribe((key) => heard.push(key));
        const last = next(t.store, 'sanctions');
        await t.store.invalidations('sanctions').subscribe(() => {});
        off();
        await t.store.invalidations('sanctions').publish('u-bob');
        await last;
        expect(heard).toEqual([]);
      });

      it('keeps channels apart', async () => {
        const heard: string[] = [];
        await t.store.invalidations('other').subscribe((key) => heard.push(key));
        const sanctions = next(t.store, 'sanctions');
        await t.store.invalidations('sanctions').subscribe(() => {});
        await t.store.invalidations('sanctions').publish('u-alice');
        await sanctions;
        expect(heard).toEqual([]);
      });
    });

    describe('the stage', () => {
      it('starts empty', async () => {
        expect(await t.store.stage.view('th1')).toEqual({ speakers: [], handCount: 0, interpreter: null });
        expect(await t.store.stage.hands('th1')).toEqual([]);
      });

      it('lists hands in the order they went up, once each', async () => {
        expect(await t.store.stage.raise('th1', bob, 2000)).toBe(true);
        expect(await t.store.stage.raise('th1', alice, 1000)).toBe(true);
        expect(await t.store.stage.raise('th1', bob, 3000)).toBe(false);
        expect(await t.store.stage.hands('th1')).toEqual([
          { ...bob, raisedAt: 2000 },
          { ...alice, raisedAt: 1000 },
        ]);
        expect(await t.store.stage.handRaised('th1', alice.userId)).toBe(true);
        expect((await t.store.stage.view('th1')).handCount).toBe(2);
        expect(await t.store.stage.hands('th2')).toEqual([]);
      });

      it('shows a hand raised through one node to another', async () => {
        const other = await t.another();
        await t.store.stage.raise('th1', alice, 1000);
        expect(await other.stage.hands('th1')).toEqual([{ ...alice, raisedAt: 1000 }]);
        expect(await other.stage.invite('th1', alice.userId)).toBe(true);
        expect(await t.store.stage.view('th1')).toEqual({ speakers: [alice], handCount: 0, interpreter: null });
      });

      it('lets one of two racing raises report the change', async () => {
        const other = await t.another();
        const raised = await Promise.all([t.store.stage.raise('th1', alice), other.stage.raise('th1', alice)]);
        expect(raised.filter(Boolean)).toHaveLength(1);
      });

      it('moves a raised hand on stage, never leaving the person in both', async () => {
        expect(await t.store.stage.invite('th1', alice.userId)).toBe(false);
        await t.store.stage.raise('th1', alice);
        await t.store.stage.raise('th1', bob);
        expect(await t.store.stage.invite('th1', alice.userId)).toBe(true);
        expect(await t.store.stage.isSpeaker('th1', alice.userId)).toBe(true);
        expect(await t.store.stage.handRaised('th1', alice.userId)).toBe(false);
        expect(await t.store.stage.invite('th1', bob.userId)).toBe(true);
        expect(await t.store.stage.view('th1')).toEqual({ speakers: [alice, bob], handCount: 0, interpreter: null });
        expect(await t.store.stage.raise('th1', alice)).toBe(false);
        expect(await t.store.stage.handRaised('th1', alice.userId)).toBe(false);
      });

      it('lowers hands and sends speakers back, saying whether anything changed', async () => {
        await t.store.stage.raise('th1', alice);
        expect(await t.store.stage.lower('th1', alice.userId)).toBe(true);
        expect(await t.store.stage.lower('th1', alice.userId)).toBe(false);
        await t.store.stage.raise('th1', bob);
        await t.store.stage.invite('th1', bob.userId);
        expect(await t.store.stage.sendBack('th1', bob.userId)).toBe(true);
        expect(await t.store.stage.sendBack('th1', bob.userId)).toBe(false);
        expect(await t.store.stage.view('th1')).toEqual({ speakers: [], handCount: 0, interpreter: null });
      });

      it('removes a person from the queue and the stage', async () => {
        await t.store.stage.raise('th1', alice);
        await t.store.stage.raise('th1', bob);
        await t.store.stage.invite('th1', bob.userId);
        expect(await t.store.stage.remove('th1', alice.userId)).toEqual({ hand: true, speaker: false });
        expect(await t.store.stage.remove('th1', bob.userId)).toEqual({ hand: false, speaker: true });
        expect(await t.store.stage.remove('th1', bob.userId)).toEqual({ hand: false, speaker: false });
      });

      it('keeps one interpreter, seen by every node, and answers whom a marking replaced', async () => {
        const other = await t.another();
        const rosa = { userId: 'u-rosa', displayName: 'Rosa María de la Luz', staff: false };
        const kim = { userId: 'u-kim', displayName: 'Kim (ASL)', staff: true };
        expect(await t.store.stage.setInterpreter('th1', rosa)).toBeNull();
        expect(await other.stage.interpreter('th1')).toEqual(rosa);
        expect(await other.stage.setInterpreter('th1', kim)).toEqual(rosa);
        expect(await t.store.stage.view('th1')).toEqual({ speakers: [], handCount: 0, interpreter: { userId: 'u-kim', displayName: 'Kim (ASL)' } });
        expect(await t.store.stage.interpreter('th2')).toBeNull();
        expect(await t.store.stage.setInterpreter('th1', null)).toEqual(kim);
        expect(await other.stage.interpreter('th1')).toBeNull();
      });

      it('unmarks the interpreter only when it is the person named', async () => {
        const kim = { userId: 'u-kim', displayName: 'Kim', staff: true };
        await t.store.stage.setInterpreter('th1', kim);
        expect(await t.store.stage.unmarkInterpreter('th1', 'u-ki')).toBe(false);
        expect(await t.store.stage.unmarkInterpreter('th1', 'u-rosa')).toBe(false);
        expect(await t.store.stage.interpreter('th1')).toEqual(kim);
        expect(await t.store.stage.unmarkInterpreter('th1', 'u-kim')).toBe(true);
        expect(await t.store.stage.unmarkInterpreter('th1', 'u-kim')).toBe(false);
        await t.store.stage.setInterpreter('th1', kim);
        await t.store.stage.clear('th1');
        expect(await t.store.stage.interpreter('th1')).toBeNull();
      });

      it('clears one town hall only', async () => {
        await t.store.stage.raise('th1', alice);
        await t.store.stage.raise('th2', alice);
        await t.store.stage.clear('th1');
        expect(await t.store.stage.hands('th1')).toEqual([]);
        expect(await t.store.stage.handRaised('th2', alice.userId)).toBe(true);
      });

      it('keeps names with spaces and symbols whole', async () => {
        const odd = { userId: 'u-odd', displayName: '  Zoë  O’Brien 42 ' };
        await t.store.stage.raise('th1', odd, 5);
        expect(await t.store.stage.hands('th1')).toEqual([{ ...odd, raisedAt: 5 }]);
        await t.store.stage.invite('th1', odd.userId);
        expect((await t.store.stage.view('th1')).speakers).toEqual([odd]);
      });
    });

    describe('media homes', () => {
      it('gives a town hall one home, whichever node claims it first', async () => {
        const other = await t.another();
        const claims = await Promise.all([t.store.mediaHomes.claim('th1', 'node-a', 10_000), other.mediaHomes.claim('th1', 'node-b', 10_000)]);
        expect(claims[0]).toBe(claims[1]);
        expect(await other.mediaHomes.holder('th1')).toBe(claims[0]);
        expect(await t.store.mediaHomes.claim('th1', claims[0]!, 10_000)).toBe(claims[0]);
        expect(await t.store.mediaHomes.holder('th2')).toBeNull();
      });

      it('moves the lease to another node once its holder stops renewing it', async () => {
        expect(await t.store.mediaHomes.claim('th1', 'node-a', 60)).toBe('node-a');
        expect(await t.store.mediaHomes.claim('th1', 'node-b', 60)).toBe('node-a');
        await vi.waitFor(async () => expect(await t.store.mediaHomes.holder('th1')).toBeNull());
        expect(await (await t.another()).mediaHomes.claim('th1', 'node-b', 10_000)).toBe('node-b');
        expect(await t.store.mediaHomes.renew('node-a', ['th1'], 10_000)).toEqual(['th1']);
      });

      it('renews only the leases the node holds, and says which it lost', async () => {
        await t.store.mediaHomes.claim('th1', 'node-a', 200);
        await t.store.mediaHomes.claim('th2', 'node-b', 10_000);
        expect(await t.store.mediaHomes.renew('node-a', ['th1', 'th2', 'th3'], 10_000)).toEqual(['th2', 'th3']);
        // Renewed for ten seconds: still held well after the first 200 ms.
        await new Promise((resolve) => setTimeout(resolve, 300));
        expect(await t.store.mediaHomes.holder('th1')).toBe('node-a');
        expect(await t.store.mediaHomes.holder('th2')).toBe('node-b');
      });

      it('lets only the holder release a lease', async () => {
        await t.store.mediaHomes.claim('th1', 'node-a', 10_000);
        expect(await t.store.mediaHomes.release('th1', 'node-b')).toBe(false);
        expect(await t.store.mediaHomes.holder('th1')).toBe('node-a');
        expect(await t.store.mediaHomes.release('th1', 'node-a')).toBe(true);
        expect(await t.store.mediaHomes.claim('th1', 'node-b', 10_000)).toBe('node-b');
      });
    });

    describe('mailboxes', () => {
      it("answers a request with the addressed node's answer, as plain data", async () => {
        const a = await t.store.mailbox('node-a');
        const b = await (await t.another()).mailbox('node-b');
        b.handle('echo', async (body, from) => ({ body, from, at: new Date(5) }));
        expect(await a.request('node-b', 'echo', { n: 1 })).toEqual({ body: { n: 1 }, from: 'node-a', at: new Date(5).toJSON() });
        await Promise.all([a.close(), b.close()]);
      });

      it('passes a failed handler on as a failure with its message', async () => {
        const a = await t.store.mailbox('node-a');
        const b = await (await t.another()).mailbox('node-b');
        b.handle('fail', async () => {
          throw new Error('no such link');
        });
        await expect(a.request('node-b', 'fail', null)).rejects.toThrow('no such link');
        await expect(a.request('node-b', 'unknown-topic', null)).rejects.toThrow('no handler');
        await Promise.all([a.close(), b.close()]);
      });

      it('fails at once for a node that is not listening, or no longer', async () => {
        const a = await t.store.mailbox('node-a');
        const b = await (await t.another()).mailbox('node-b');
        b.handle('echo', async (body) => body);
        await b.close();
        await expect(a.request('node-b', 'echo', 1)).rejects.toBeInstanceOf(NodeUnreachableError);
        await expect(a.request('node-never', 'echo', 1)).rejects.toBeInstanceOf(NodeUnreachableError);
        await a.close();
      });

      it('gives up on a node that does not answer in time', async () => {
        const a = await t.store.mailbox('node-a');
        const b = await (await t.another()).mailbox('node-b');
        b.handle('slow', () => new Promise(() => {}));
        await expect(a.request('node-b', 'slow', null, 100)).rejects.toThrow('no answer');
        await Promise.all([a.close(), b.close()]);
      });
    });
  });
}
