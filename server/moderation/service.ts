import type { FilterHit, HoldReason, ModerationMode } from '../../shared/moderation.js';
import type { WordFilter } from './filter.js';

export interface Screening {
  /** publish: show it now; hold: keep it for a moderator. */
  outcome: 'publish' | 'hold';
  holdReason: HoldReason | null;
  hits: FilterHit[];
}

/**
 * The moderation pipeline's entry point: every feature hands user content here before it is
 * shown to anyone. A filter hit always holds; pre-moderation holds everything from residents.
 */
export interface ModerationService {
  screen(input: { text: string; mode: ModerationMode; authorIsStaff: boolean }): Screening;
}

export function createModerationService(filter: WordFilter): ModerationService {
  return {
    screen({ text, mode, authorIsStaff }) {
      const hits = filter.check(text);
      if (hits.length) return { outcome: 'hold', holdReason: 'filter', hits };
      if (mode === 'pre' && !authorIsStaff) return { outcome: 'hold', holdReason: 'premoderation', hits };
      return { outcome: 'publish', holdReason: null, hits };
    },
  };
}
