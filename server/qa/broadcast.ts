import { rooms, type AppServer } from '../core/types.js';
import { pseudonym } from '../identity/tokens.js';
import { isPublic, viewOf } from './rules.js';
import type { QuestionRecord } from './store.js';

export interface QaBroadcast {
  /** Sends each audience its own copy of a new or changed question. */
  changed(q: QuestionRecord, authorIsStaff: boolean): void;
  /** Takes a question off every screen. */
  removed(q: QuestionRecord): void;
}

/**
 * Fan-out by audience: staff get the staff copy, the asker (all their tabs) the asker's copy,
 * everyone else in the town hall the public copy and only once it is published.
 */
export function createQaBroadcast(io: AppServer, secret: string): QaBroadcast {
  return {
    changed(q, authorIsStaff) {
      const authorRoom = rooms.user(q.authorId);
      const staffRoom = rooms.townHallStaff(q.townHallId);
      const handle = pseudonym(secret, q.authorId, q.townHallId);
      io.to(staffRoom).except(authorRoom).emit('qa:question-changed', { question: viewOf(q, 'staff', handle) });
      if (isPublic(q)) {
        io.to(rooms.townHall(q.townHallId))
          .except([staffRoom, authorRoom])
          .emit('qa:question-changed', { question: viewOf(q, 'public', handle) });
      }
      io.to(authorRoom).emit('qa:question-changed', { question: viewOf(q, 'author', handle, authorIsStaff) });
    },
    removed(q) {
      io.to([rooms.townHall(q.townHallId), rooms.user(q.authorId)]).emit('qa:question-removed', {
        townHallId: q.townHallId,
        questionId: q.id,
      });
    },
  };
}
