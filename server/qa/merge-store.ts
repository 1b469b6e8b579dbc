import type { QuestionStatus } from '../../shared/qa.js';

/**
 * Why a merge was refused, and about which question: it does not exist, it is in another town
 * hall than the target, it already has questions merged into it (a source only), or it is in a
 * status that cannot take part (anything but published).
 */
export interface MergeRefusal {
  ok: false;
  questionId: string;
  refused: 'missing' | 'other-town-hall' | 'has-merged' | Exclude<QuestionStatus, 'published'>;
}

// Generic over the question record (store.ts's QuestionRecord), which imports these in turn.
export type MergeOutcome<Q> = { ok: true; target: Q; sources: Q[] } | MergeRefusal;

export type UnmergeOutcome<Q> =
  | {
      ok: true;
      source: Q;
      target: Q;
      /** Who had voted for the source itself: it is theirs again. */
      voters: string[];
      /** Those of `voters` who still support the target through a vote of their own (or another merged question). */
      stillOnTarget: string[];
    }
  | { ok: false; refused: 'missing' | 'not-merged' };

/**
 * Merging duplicates, as both question stores keep it.
 *
 * Invariants (tests/stores/qa-merge.contract.ts runs them on both implementations):
 * - votes stay with the question they were cast on; a question with others merged into it counts
 *   the distinct voters of itself and of every question merged into it, so a person who voted
 *   for several counts once; askers are not voters (they are counted in `alsoAskedBy`);
 * - a vote cast on the survivor by someone who already supports it through a merged question
 *   changes nothing; a vote retracted from the survivor is retracted from every question merged
 *   into it, so the person no longer supports any of them;
 * - `mergeQuestions` is all or nothing: the target and every source must be published questions
 *   of one town hall, and no source may have questions merged into it (merges are one level
 *   deep, so each can be undone on its own); otherwise nothing changes and the refusal says why;
 * - a merged question leaves `listVisible`, takes no votes, and keeps its text, author and votes;
 * - `unmergeQuestion` puts one merged question back, published, with the votes of its own voters
 *   that remain, and recounts the survivor as if that question had never been merged;
 * - `votesBy` names the survivor for a vote cast on a question merged into it.
 */
export interface QuestionMerges<Q> {
  mergeQuestions(targetId: string, sourceIds: string[]): Promise<MergeOutcome<Q>>;
  unmergeQuestion(questionId: string): Promise<UnmergeOutcome<Q>>;
  /** The merged questions of a town hall (for their askers' own copies), oldest first. */
  listMerged(townHallId: string): Promise<Q[]>;
}
