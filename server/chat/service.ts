import type { StaffRole } from '../../shared/roles.js';
import { byTime } from './rules.js';
import type { ChatStore } from './store.js';

export interface ChatTranscriptLine {
  at: number;
  authorName: string;
  authorRole: StaffRole | null;
  text: string;
}

/** What other features (the town hall record) may ask of the chat. */
export interface ChatService {
  /** Every published message of a town hall, oldest first; held, hidden and removed ones are left out. */
  chatTranscript(townHallId: string): Promise<ChatTranscriptLine[]>;
  /** Who wrote in a town hall and still has a name other than `replacement` on a message. */
  chatAuthors(townHallId: string, replacement: string): Promise<string[]>;
  /** Replaces these authors' names on their messages there; resolves to how many changed. */
  forgetChatNames(townHallId: string, authorIds: string[], replacement: string): Promise<number>;
}

export function createChatService(chat: ChatStore): ChatService {
  return {
    async chatTranscript(townHallId) {
      const messages = await chat.allPublished(townHallId);
      return messages.sort(byTime).map((m) => ({ at: m.createdAt, authorName: m.authorName, authorRole: m.authorRole, text: m.text }));
    },
    chatAuthors: (townHallId, replacement) => chat.namedAuthors(townHallId, replacement),
    forgetChatNames: (townHallId, authorIds, replacement) => chat.forgetAuthorNames(townHallId, authorIds, replacement),
  };
}
