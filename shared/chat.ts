// The live chat contract: short messages in a town hall, moderated like questions (held, hidden,
// removed), with a window of recent messages for people who join late.
import { z } from 'zod';
import type { Ack } from './errors.js';
import { Id } from './ids.js';
import { HoldReason } from './moderation.js';
import type { StaffRole } from './roles.js';
import { boundedText } from './text.js';

export const CHAT_LIMITS = {
  text: { min: 1, max: 300 },
  /** Messages a late joiner receives: the most recent ones. */
  recent: 200,
} as const;

/** held: waiting for first review; hidden: taken down pending review (flags or a moderator). */
export const ChatStatus = z.enum(['held', 'published', 'hidden', 'rejected', 'removed']);
export type ChatStatus = z.infer<typeof ChatStatus>;

/**
 * A chat message as one person sees it. Chat is not anonymous: the author's display name is
 * shown. Everyone sees published messages; the author alone also sees their own held or
 * hidden ones (`mine: true`, with why it was held).
 */
export interface ChatMessageView {
  id: Id;
  townHallId: Id;
  text: string;
  createdAt: number;
  authorName: string;
  /** The author's staff role when they wrote it, null for residents and guests: the page shows it as a badge. */
  authorRole: StaffRole | null;
  status: 'held' | 'hidden' | 'published';
  mine?: true;
  /** The author's own held copy only. */
  holdReason?: HoldReason;
}

/** Chat's part of the town hall's join snapshot (`townhall:join`). */
export interface ChatSnapshot {
  townHallId: Id;
  /** Seconds a resident waits between messages here (0: off); staff are exempt. */
  slowModeSeconds: number;
  /** The last published messages (at most CHAT_LIMITS.recent) and the person's own held ones, oldest first. */
  messages: ChatMessageView[];
}

export const ChatSend = z.strictObject({
  townHallId: Id,
  text: boundedText(CHAT_LIMITS.text.min, CHAT_LIMITS.text.max),
});
export type ChatSend = z.input<typeof ChatSend>;

export interface ChatClientEvents {
  'chat:send': (payload: ChatSend, ack: Ack<ChatMessageView>) => void;
}

export interface ChatServerEvents {
  /** A message appeared for you or changed (approved, restored, hidden for its author): upsert by id. */
  'chat:message-posted': (payload: { message: ChatMessageView }) => void;
  /** A message left your view (removed, rejected, hidden): drop it. */
  'chat:removed': (payload: { townHallId: Id; messageId: Id }) => void;
}
