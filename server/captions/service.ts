import type { StaffRole } from '../../shared/roles.js';
import type { CaptionStore } from './store.js';

/** What other features (the town hall record) may ask of captions. */
export interface CaptionService {
  /** Every caption line of a town hall, in the order it was typed. */
  captionTranscript(townHallId: string): Promise<{ at: number; authorRole: StaffRole | null; text: string }[]>;
}

export function createCaptionService(captions: CaptionStore): CaptionService {
  return {
    async captionTranscript(townHallId) {
      return (await captions.all(townHallId)).map(({ at, authorRole, text }) => ({ at, authorRole, text }));
    },
  };
}
