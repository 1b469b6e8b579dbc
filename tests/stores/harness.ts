import { afterEach, beforeEach, vi } from 'vitest';

/** What a contract suite needs from one implementation of a store. */
export interface StoreHarness<S> {
  store: S;
  /** A second, independent connection to the same data, as a second server node would have. */
  another(): Promise<S>;
  /** Closes every connection and opens a fresh one on the same data: nothing may live in memory. */
  reopen(): Promise<S>;
  cleanup(): Promise<void>;
}

export type MakeStore<S> = () => Promise<StoreHarness<S>>;

/** The tie-break both implementations use when timestamps are equal. */
export const byId = (a: { id: string }, b: { id: string }): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * A fresh harness for every test of the calling suite, cleaned up after it. Suites read the
 * store through the returned object: `t.store`, `t.another()`, `t.reopen()`.
 */
export function storePerTest<S>(makeStore: MakeStore<S>): Pick<StoreHarness<S>, 'store' | 'another' | 'reopen'> {
  let harness: StoreHarness<S> | undefined;
  beforeEach(async () => {
    harness = await makeStore();
  });
  afterEach(async () => {
    vi.useRealTimers();
    await harness?.cleanup();
  });
  const current = () => {
    if (!harness) throw new Error('the store is only available inside a test');
    return harness;
  };
  return {
    get store() {
      return current().store;
    },
    another: () => current().another(),
    reopen: () => current().reopen(),
  };
}
