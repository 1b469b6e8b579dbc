import type { Pseudonyms } from '../identity/pseudonyms.js';
import type { RoomPublisher } from '../townhall/publish.js';
import { isPublic, viewOf } from './rules.js';
import type { QuestionRecord } from './store.js';

export interface QaBroadcast {
  /** Sends each audience its own copy of a new or changed question. */
  changed(q: QuestionRecord, authorReviews: boolean): void;
  /**
   * Takes a question off the screens that had it: everyone's if it was published; only the
   * reviewers' and the asker's if it was held, so residents learn nothing of held questions.
   */
  removed(q: QuestionRecord, wasPublic: boolean): void;
  /** Takes a hidden question off residents' screens; reviewers and the asker keep it, marked hidden. */
  hidden(q: QuestionRecord): void;
}

/**
 * Fan-out by audience: reviewing staff get the staff copy, the asker (all their tabs) the asker's copy,
 * everyone else in the town hall the public copy and only once it is published.
 */
export function createQaBroadcast(room: RoomPublisher, pseudonym: Pseudonyms): QaBroadcast {
  return {
    changed(q, authorReviews) {
      const author = [q.authorId];
      const handle = pseudonym(q.authorId, q.townHallId);
      room.publishToStaff(q.townHallId, 'qa:question-changed', { question: viewOf(q, 'staff', handle) }, { people: author });
      if (isPublic(q)) {
        room.publish(q.townHallId, 'qa:question-changed', { question: viewOf(q, 'public', handle) }, { staff: true, people: author });
      }
      room.publishToPerson(q.authorId, 'qa:question-changed', { question: viewOf(q, 'author', handle, authorReviews) });
    },
    hidden(q) {
      room.publish(q.townHallId, 'qa:question-removed', { townHallId: q.townHallId, questionId: q.id }, { staff: true, people: [q.authorId] });
    },
    removed(q, wasPublic) {
      const removal = { townHallId: q.townHallId, questionId: q.id };
      const others = { people: [q.authorId] };
      if (wasPublic) room.publish(q.townHallId, 'qa:question-removed', removal, others);
      else room.publishToStaff(q.townHallId, 'qa:question-removed', removal, others);
      room.publishToPerson(q.authorId, 'qa:question-removed', removal);
    },
  };
}
