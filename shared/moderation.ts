import { z } from 'zod';

/** Why a moderator took content down; shown to the author and counted in the public record. */
export const ReasonCode = z.enum(['off-topic', 'harassment', 'hate', 'personal-information', 'spam', 'threat', 'other']);
export type ReasonCode = z.infer<typeof ReasonCode>;

/** pre: every item waits for approval; post: items publish at once unless the filter holds them. */
export const ModerationMode = z.enum(['pre', 'post']);
export type ModerationMode = z.infer<typeof ModerationMode>;

/** Why an item is waiting for review. */
export const HoldReason = z.enum(['premoderation', 'filter']);
export type HoldReason = z.infer<typeof HoldReason>;

/** Which list a word-filter hit came from: the two public lists or the department's own. */
export const FilterSource = z.enum(['obscenity', 'bad-words', 'department']);
export type FilterSource = z.infer<typeof FilterSource>;
export interface FilterHit {
  source: FilterSource;
  term: string;
}
