import type { RoomPublisher } from '../townhall/publish.js';
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

export function createChatBroadcast(room: RoomPublisher): ChatBroadcast {
  const removal = (m: ChatRecord) => ({ townHallId: m.townHallId, messageId: m.id });
  return {
    changed(m) {
      if (isPublic(m)) room.publish(m.townHallId, 'chat:message-posted', { message: chatView(m, 'public') }, { people: [m.authorId] });
      room.publishToPerson(m.authorId, 'chat:message-posted', { message: chatView(m, 'author') });
    },
    removed(m, wasPublic) {
      if (wasPublic) room.publish(m.townHallId, 'chat:removed', removal(m), { people: [m.authorId] });
      room.publishToPerson(m.authorId, 'chat:removed', removal(m));
    },
    hidden(m) {
      room.publish(m.townHallId, 'chat:removed', removal(m), { people: [m.authorId] });
    },
  };
}
