import { showDecision, type DecisionScreens } from '../moderation/announce.js';
import type { ContentAdapter, ContentSummary } from '../moderation/pipeline-types.js';
import type { TownHallService } from '../townhall/service.js';
import type { ChatBroadcast } from './broadcast.js';
import type { ChatRecord, ChatStore } from './store.js';

/**
 * Chat messages as the moderation pipeline sees them. Decisions are applied with the store's
 * compare-and-set, then every screen is told: an approved or restored message comes (back) to
 * everyone, a hidden one leaves everyone's screen but its author's, a removed or rejected one
 * leaves every screen.
 */
export function createChatAdapter(deps: { chat: ChatStore; townHalls: TownHallService; broadcast: ChatBroadcast }): ContentAdapter {
  const summarise = async (m: ChatRecord): Promise<ContentSummary> => {
    const townHall = await deps.townHalls.get(m.townHallId);
    return {
      ref: { kind: 'chat', id: m.id },
      place: { kind: 'townhall', id: m.townHallId, title: townHall?.title ?? '' },
      authorId: m.authorId,
      authorName: m.authorName,
      anonymous: false,
      text: m.text,
      status: m.status,
      createdAt: m.createdAt,
      holdReason: m.holdReason,
      filterHits: m.filterHits,
      decision: m.decision,
    };
  };
  const screens: DecisionScreens<ChatRecord> = {
    changed: (m) => deps.broadcast.changed(m),
    hidden: (m) => deps.broadcast.hidden(m),
    removed: (m, wasPublic) => deps.broadcast.removed(m, wasPublic),
  };
  return {
    kind: 'chat',
    async describe(id) {
      const m = await deps.chat.get(id);
      return m ? summarise(m) : null;
    },
    async transition(id, from, to, decision) {
      const updated = await deps.chat.transition(id, from, to, decision);
      if (!updated) return null;
      await showDecision(updated, to, from.includes('published'), screens);
      return summarise(updated);
    },
  };
}
