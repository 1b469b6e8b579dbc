import { publishedPolls, type PublishedPoll } from './published.js';
import type { PollStore } from './store.js';

export type { PublishedPoll };

/** What other features (the town hall record) may ask of polls. */
export interface PollReader {
  /** The polls of a town hall the public may see, with their results (see published.ts). */
  publishedPolls(townHallId: string): Promise<PublishedPoll[]>;
}

export function createPollReader(polls: PollStore): PollReader {
  return { publishedPolls: (townHallId) => publishedPolls(polls, townHallId) };
}
