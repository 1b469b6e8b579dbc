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
