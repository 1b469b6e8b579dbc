// Pure rules of the live chat: who sees which message, and in what form.
import type { ChatMessageView } from '../../shared/chat.js';
import type { ChatRecord } from './store.js';

/** public: everyone in the town hall; author: the writer's own copy (all their tabs). */
export type Audience = 'public' | 'author';

/** Whether people other than the author may see it. */
export const isPublic = (m: Pick<ChatRecord, 'status'>): boolean => m.status === 'published';

/** The message as one audience may see it. Why it was held is for its author only. */
export function chatView(m: ChatRecord, audience: Audience): ChatMessageView {
  const view: ChatMessageView = {
    id: m.id,
    townHallId: m.townHallId,
    text: m.text,
    createdAt: m.createdAt,
    authorName: m.authorName,
    authorRole: m.authorRole,
    status: m.status === 'held' || m.status === 'hidden' ? m.status : 'published',
  };
  if (audience === 'author') {
    view.mine = true;
    if (m.status === 'held' && m.holdReason) view.holdReason = m.holdReason;
  }
  return view;
}

/** Oldest first, ties by id: the order every list of messages is shown in. */
export const byTime = (a: { createdAt: number; id: string }, b: { createdAt: number; id: string }): number =>
  a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * What one person is sent on joining: the recent published messages and their own pending
 * ones, merged in order, each in the form that person may see.
 */
export function snapshotMessages(recent: ChatRecord[], mine: ChatRecord[], userId: string): ChatMessageView[] {
  const seen = new Set(recent.map((m) => m.id));
  return [...recent, ...mine.filter((m) => !seen.has(m.id))]
    .sort(byTime)
    .map((m) => chatView(m, m.authorId === userId ? 'author' : 'public'));
}
