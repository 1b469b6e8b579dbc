import type { QuestionRecord, QuestionStore } from './store.js';

export type { QuestionRecord };

/** What other features (the town hall record) may ask of Q&A. */
export interface QuestionReader {
  /** Every question of a town hall, whatever its state, for the public record to filter. */
  listForRecord(townHallId: string): Promise<QuestionRecord[]>;
  /** One question whatever its state (null: none); callers decide what of it the public may see. */
  get(id: string): Promise<QuestionRecord | null>;
  /** Replaces these authors' names on the town hall's questions; resolves to how many changed. */
  forgetAuthorNames(townHallId: string, authorIds: string[], replacement: string): Promise<number>;
}

export function createQuestionReader(questions: QuestionStore): QuestionReader {
  return {
    listForRecord: (townHallId) => questions.listForRecord(townHallId),
    get: (id) => questions.getQuestion(id),
    forgetAuthorNames: (townHallId, authorIds, replacement) => questions.forgetAuthorNames(townHallId, authorIds, replacement),
  };
}
