import type { QuestionRecord, QuestionStore } from './store.js';

export type { QuestionRecord };

/** What other features (the town hall record, the notices) may ask of Q&A. */
export interface QuestionReader {
  /** Every question of a town hall, whatever its state, for the public record to filter. */
  listForRecord(townHallId: string): Promise<QuestionRecord[]>;
  /** One question whatever its state (null: none); callers decide what of it the public may see. */
  get(id: string): Promise<QuestionRecord | null>;
  /** Replaces these authors' names on the town hall's questions; resolves to how many changed. */
  forgetAuthorNames(townHallId: string, authorIds: string[], replacement: string): Promise<number>;
  /** Whether this person has a vote on the question. */
  hasVoted(question: Pick<QuestionRecord, 'id' | 'townHallId'>, userId: string): Promise<boolean>;
}

export function createQuestionReader(questions: QuestionStore): QuestionReader {
  return {
    listForRecord: (townHallId) => questions.listForRecord(townHallId),
    get: (id) => questions.getQuestion(id),
    forgetAuthorNames: (townHallId, authorIds, replacement) => questions.forgetAuthorNames(townHallId, authorIds, replacement),
    hasVoted: async (q, userId) => (await questions.votesBy(q.townHallId, userId)).includes(q.id),
  };
}

/** What Q&A tells other features after it stored something. */
export interface QuestionEvents {
  /** After a question is stored (published or held), with its record. Returns the way to stop listening. */
  onAsked(listener: (question: QuestionRecord) => void | Promise<void>): () => void;
  /** After questions were merged into `target` (a moderator's qa:merge), with the merged ones' records. */
  onMerged(listener: (target: QuestionRecord, merged: QuestionRecord[]) => void | Promise<void>): () => void;
}

type QuestionEventsSide = QuestionEvents & { asked(question: QuestionRecord): void; merged(target: QuestionRecord, merged: QuestionRecord[]): void };

/** Q&A's side of QuestionEvents: the handlers tell it; a listener's failure never fails the command. */
export function createQuestionEvents(onError: (err: unknown) => void): QuestionEventsSide {
  const asked = listenerSet<[QuestionRecord]>(onError);
  const merged = listenerSet<[QuestionRecord, QuestionRecord[]]>(onError);
  return { onAsked: asked.add, asked: asked.tell, onMerged: merged.add, merged: merged.tell };
}

function listenerSet<A extends unknown[]>(onError: (err: unknown) => void) {
  const listeners = new Set<(...args: A) => void | Promise<void>>();
  return {
    add(listener: (...args: A) => void | Promise<void>) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    tell(...args: A) {
      for (const listener of listeners) {
        try {
          void Promise.resolve(listener(...args)).catch(onError);
        } catch (err) {
          onError(err);
        }
      }
    },
  };
}
