// What goes into one frame, from the facts a town hall's outbox gathered during a tick: pure
// (no I/O), so the rules of merging and sampling read and test on their own.
import type { FrameFact } from '../../shared/room.js';

/** Who in a town hall's audience does not get a fact (they get their own copy, or none). */
export interface Except {
  /** The town hall's reviewing staff. */
  staff?: boolean;
  /** These people, in all their tabs. */
  people?: string[];
}

/** A fact waiting for the next frame, with who it is for. */
export interface Entry {
  event: string;
  payload: unknown;
  /** For the town hall's reviewing staff only. */
  staffOnly: boolean;
  /** Not for the staff (they get a staff copy of it). */
  exceptStaff: boolean;
  /** Not for these people (they get their own copy). */
  exceptPeople: readonly string[];
}

const TALLIES = new Set(['qa:votes-tallied', 'poll:results-tallied']);

const tallyKey = (event: string, payload: unknown): string =>
  event === 'poll:results-tallied' ? `poll:${(payload as { pollId: string }).pollId}` : 'qa';

/**
 * The facts of one frame for one audience (and, for someone a fact leaves out, for that
 * person), in the order they happened, with:
 * - one `qa:votes-tallied` holding every count that changed (counts are absolute, the latest
 *   wins), placed where the last tally was, and one `poll:results-tallied` per poll, the latest;
 * - at most `chatLimit` chat messages; the rest become one `chat:messages-skipped` with their
 *   number. Questions, removals and tallies are never left out.
 */
export function compactFacts(
  townHallId: string,
  entries: readonly Entry[],
  audience: 'everyone' | 'staff',
  person: string | undefined,
  chatLimit: number,
): { facts: FrameFact[]; sampled: number } {
  const mine = entries.filter(
    (e) => (audience === 'staff' ? !e.exceptStaff : !e.staffOnly) && !(person !== undefined && e.exceptPeople.includes(person)),
  );
  // The last of each tally keeps its place; earlier ones fold into it.
  const lastTally = new Map<string, number>();
  mine.forEach((e, i) => TALLIES.has(e.event) && lastTally.set(tallyKey(e.event, e.payload), i));
  let votes: Record<string, number> | null = null;
  const facts: FrameFact[] = [];
  let chats = 0;
  let sampled = 0;
  mine.forEach((e, i) => {
    if (e.event === 'qa:votes-tallied') {
      votes = { ...votes, ...(e.payload as { votes: Record<string, number> }).votes };
      if (lastTally.get('qa') === i) facts.push([e.event, { townHallId, votes }]);
      return;
    }
    if (e.event === 'poll:results-tallied') {
      if (lastTally.get(tallyKey(e.event, e.payload)) === i) facts.push([e.event, e.payload]);
      return;
    }
    if (e.event === 'chat:message-posted' && ++chats > chatLimit) {
      sampled++;
      return;
    }
    facts.push([e.event, e.payload]);
  });
  if (sampled > 0) facts.push(['chat:messages-skipped', { townHallId, count: sampled }]);
  return { facts, sampled };
}
