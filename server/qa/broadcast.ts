import { rooms, type AppServer } from '../core/types.js';
import type { Pseudonyms } from '../identity/pseudonyms.js';
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
export function createQaBroadcast(io: AppServer, pseudonym: Pseudonyms): QaBroadcast {
  return {
    changed(q, authorReviews) {
      const authorRoom = rooms.user(q.authorId);
      const staffRoom = rooms.townHallStaff(q.townHallId);
      const handle = pseudonym(q.authorId, q.townHallId);
      io.to(staffRoom).except(authorRoom).emit('qa:question-changed', { question: viewOf(q, 'staff', handle) });
      if (isPublic(q)) {
        io.to(rooms.townHall(q.townHallId))
          .except([staffRoom, authorRoom])
          .emit('qa:question-changed', { question: viewOf(q, 'public', handle) });
      }
      io.to(authorRoom).emit('qa:question-changed', { question: viewOf(q, 'author', handle, authorReviews) });
    },
    hidden(q) {
      io.to(rooms.townHall(q.townHallId))
        .except([rooms.townHallStaff(q.townHallId), rooms.user(q.authorId)])
        .emit('qa:question-removed', { townHallId: q.townHallId, questionId: q.id });
    },
    removed(q, wasPublic) {
      const audience = wasPublic ? rooms.townHall(q.townHallId) : rooms.townHallStaff(q.townHallId);
      io.to([audience, rooms.user(q.authorId)]).emit('qa:question-removed', {
        townHallId: q.townHallId,
        questionId: q.id,
      });
    },
  };
}
