// What the public record may publish of a town hall's polls (it never reads the poll store itself).
import type { PollResults } from '../../shared/polls.js';
import { tally } from './rules.js';
import type { PollRecord, PollStore } from './store.js';

export interface PublishedPoll {
  poll: PollRecord;
  results: PollResults;
}

/**
 * The polls of an ended town hall whose results the public may see, oldest first, with results
 * counted from the stored ballots. Drafts never ran; staff-only polls are never published. A
 * poll still open when the event ended took its last ballot then, so its results are final too.
 */
export async function publishedPolls(polls: PollStore, townHallId: string): Promise<PublishedPoll[]> {
  const shown = (await polls.listPolls(townHallId)).filter((p) => p.status !== 'draft' && p.visibility !== 'staff');
  return Promise.all(shown.map(async (poll) => ({ poll, results: tally(poll, await polls.ballots(poll.id)) })));
}
