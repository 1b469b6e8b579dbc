// How every feature stores the moderation side of its content (why it was held, what the filter
// matched, the moderator's decision), so the four content stores keep exactly the same fields.
import type { FilterHit, HoldReason } from '../../shared/moderation.js';
import type { Decision } from './pipeline-types.js';

/** Exactly the declared fields, so a store returns what it will read back. */
export const plainDecision = ({ by, at, reason, note }: Decision): Decision => ({ by, at, reason, note });
export const plainHits = (hits: FilterHit[]): FilterHit[] => hits.map(({ source, term }) => ({ source, term }));

interface Moderated {
  holdReason: HoldReason | null;
  filterHits: FilterHit[];
  decision: Decision | null;
}

/** As Redis hash fields; null ones are left out of the hash. */
export function moderatedFields(c: Moderated): Record<string, string> {
  const fields: Record<string, string> = { filterHits: JSON.stringify(plainHits(c.filterHits)) };
  if (c.holdReason !== null) fields.holdReason = c.holdReason;
  if (c.decision !== null) fields.decision = JSON.stringify(plainDecision(c.decision));
  return fields;
}

/** Read back from a Redis hash written with `moderatedFields`. */
export const moderatedFromHash = (h: Record<string, string>): Moderated => ({
  holdReason: (h.holdReason ?? null) as HoldReason | null,
  filterHits: JSON.parse(h.filterHits ?? '[]') as FilterHit[],
  decision: h.decision === undefined ? null : (JSON.parse(h.decision) as Decision),
});
