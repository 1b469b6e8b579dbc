import { rooms, type AppServer } from '../core/types.js';
import { chatView, isPublic } from './rules.js';
import type { ChatRecord } from './store.js';

export interface ChatBroadcast {
  /** Sends a new or changed message: everyone's copy once published, the author's own copy always. */
  changed(m: ChatRecord): void;
  /** Takes a message off the screens that had it: everyone's if it was published, else the author's. */
  removed(m: ChatRecord, wasPublic: boolean): void;
  /** Takes a hidden message off everyone's screen but its author's (who keeps it, marked hidden). */
  hidden(m: ChatRecord): void;
}

export function createChatBroadcast(io: AppServer): ChatBroadcast {
  const removal = (m: ChatRecord) => ({ townHallId: m.townHallId, messageId: m.id });
  return {
    changed(m) {
      const authorRoom = rooms.user(m.authorId);
      if (isPublic(m)) {
        io.to(rooms.townHall(m.townHallId)).except(authorRoom).emit('chat:message', { message: chatView(m, 'public') });
      }
      io.to(authorRoom).emit('chat:message', { message: chatView(m, 'author') });
    },
    removed(m, wasPublic) {
      const authorRoom = rooms.user(m.authorId);
      io.to(wasPublic ? [rooms.townHall(m.townHallId), authorRoom] : authorRoom).emit('chat:removed', removal(m));
    },
    hidden(m) {
      io.to(rooms.townHall(m.townHallId)).except(rooms.user(m.authorId)).emit('chat:removed', removal(m));
    },
  };
}
