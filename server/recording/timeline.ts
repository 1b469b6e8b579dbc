// A recording's timeline: one JSON line per entry, appended next to the tracks. Appends are
// queued so entries land in the order they happened, and each is written at once, so a kill
// loses none that were written before it.
import { appendFile } from 'node:fs/promises';
import type { TimelineEntry, TimelineEvent } from '../../shared/recording.js';

export class TimelineWriter {
  readonly file: string;
  readonly #startedAt: number;
  readonly #now: () => number;
  readonly #onError: (err: unknown) => void;
  #queue: Promise<void> = Promise.resolve();

  constructor(options: { file: string; startedAt: number; now: () => number; onError: (err: unknown) => void }) {
    this.file = options.file;
    this.#startedAt = options.startedAt;
    this.#now = options.now;
    this.#onError = options.onError;
  }

  /**
   * Appends an entry at `at` (ms since the epoch on this writer's clock), by default now. An
   * entry about a moment just past is written after entries that came between: lines are in
   * the order written, not always in the order of their times.
   */
  add(event: TimelineEvent, at: number = this.#now()): TimelineEntry {
    const entry = { at, offsetMs: Math.max(0, at - this.#startedAt), ...event } as TimelineEntry;
    const line = `${JSON.stringify(entry)}\n`;
    this.#queue = this.#queue.then(() => appendFile(this.file, line, 'utf8')).catch(this.#onError);
    return entry;
  }

  /** Resolves once every entry added so far is written. */
  flushed(): Promise<void> {
    return this.#queue;
  }
}

/** Reads a timeline back; a last line cut short by a kill is left out. */
export function parseTimeline(text: string): TimelineEntry[] {
  const entries: TimelineEntry[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      entries.push(JSON.parse(line) as TimelineEntry);
    } catch {
      // Only the last line can be partial.
    }
  }
  return entries;
}
