// The facts a town hall's outbox holds for its slices (frame-tick.ts, "Staggered delivery"): one
// log, numbered in order, and for each slice the number of the next fact it has not been sent.
// Pure bookkeeping, shared by frames.ts and the raw ws bench baseline, so both deliver alike.

/** What one slot sends: slices that get the same facts, and those facts, in order. */
export interface SlotBatch<E> {
  slices: number[];
  entries: E[];
}

/**
 * Every slice gets every fact exactly once and in order, whether the room sends slice by slice
 * or all at once, and however it switches between the two: a slice's frame holds what was added
 * since that slice's own last frame. A fact every slice has been sent is dropped.
 */
export class FrameLog<E> {
  readonly slices: number;
  #entries: E[] = [];
  /** The number of `#entries[0]`. */
  #base = 0;
  /** For each slice, the number of the first fact it has not been sent. */
  #next: number[];
  /** The slice whose turn is next when the room is staggered. */
  #turn = 0;

  constructor(slices: number) {
    if (!Number.isInteger(slices) || slices < 1) throw new RangeError(`slices must be a positive integer, not ${slices}`);
    this.slices = slices;
    this.#next = new Array<number>(slices).fill(0);
  }

  append(entry: E): void {
    this.#entries.push(entry);
  }

  /** Facts held: not yet sent to every slice. */
  get size(): number {
    return this.#entries.length;
  }

  /** Whether some slice has facts it has not been sent. */
  get pending(): boolean {
    const head = this.#base + this.#entries.length;
    return this.#next.some((n) => n < head);
  }

  /**
   * Takes what the next slot sends, counting it sent: staggered, the next slice in turn and what
   * it has not had; otherwise every slice, grouped by what each has not had (one group, unless
   * the room has just stopped being staggered). Groups with nothing to send are included, so the
   * caller can still look at their connections (slow ones drain between frames).
   */
  take(staggered: boolean): SlotBatch<E>[] {
    const head = this.#base + this.#entries.length;
    let batches: SlotBatch<E>[];
    if (staggered) {
      const slice = this.#turn;
      this.#turn = (slice + 1) % this.slices;
      batches = [{ slices: [slice], entries: this.#since(this.#next[slice]!) }];
      this.#next[slice] = head;
    } else {
      const bySince = new Map<number, number[]>();
      this.#next.forEach((since, slice) => bySince.set(since, [...(bySince.get(since) ?? []), slice]));
      batches = [...bySince].sort(([a], [b]) => a - b).map(([since, slices]) => ({ slices, entries: this.#since(since) }));
      this.#next.fill(head);
    }
    this.#drop();
    return batches;
  }

  #since(n: number): E[] {
    return this.#entries.slice(n - this.#base);
  }

  #drop(): void {
    const oldest = Math.min(...this.#next);
    if (oldest > this.#base) {
      this.#entries.splice(0, oldest - this.#base);
      this.#base = oldest;
    }
  }
}
