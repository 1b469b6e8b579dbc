import { byTime } from './rules.js';
import type { ChatStore } from './store.js';

export interface ChatTranscriptLine {
  at: number;
  authorName: string;
  staff: boolean;
  text: string;
}

/** What other features (the town hall record) may ask of the chat. */
export interface ChatService {
  /** Every published message of a town hall, oldest first; held, hidden and removed ones are left out. */
  chatTranscript(townHallId: string): Promise<ChatTranscriptLine[]>;
}

export function createChatService(chat: ChatStore): ChatService {
  return {
    async chatTranscript(townHallId) {
      const messages = await chat.allPublished(townHallId);
      return messages.sort(byTime).map((m) => ({ at: m.createdAt, authorName: m.authorName, staff: m.staff, text: m.text }));
    },
  };
}
