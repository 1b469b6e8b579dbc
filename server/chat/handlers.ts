import { CHAT_LIMITS, ChatSend } from '../../shared/chat.js';
import { badgeOf } from '../../shared/roles.js';
import { commandBinder, type CommandDeps } from '../core/command.js';
import type { RateRule } from '../core/rate-limit.js';
import type { ModerationPipeline } from '../moderation/pipeline-types.js';
import { townHallPlace } from '../../shared/moderation.js';
import type { TownHallRoom } from '../townhall/room.js';
import type { TownHallService } from '../townhall/service.js';
import { createChatAdapter } from './adapter.js';
import { createChatBroadcast } from './broadcast.js';
import { chatView, snapshotMessages } from './rules.js';
import { createChatService, type ChatService } from './service.js';
import type { ChatStore } from './store.js';

export const RATES = {
  /** A person's own pace, whatever the room's slow mode says: a burst, then a pause. */
  send: { name: 'chat:send', points: 5, seconds: 10 },
} satisfies Record<string, RateRule>;

/** An author's own held messages shown back to them on joining: enough to see what waits. */
const PENDING_SHOWN = 20;

export interface ChatDeps extends CommandDeps {
  /** Where chat adds its part to a join and sends its facts. */
  room: TownHallRoom;
  chat: ChatStore;
  townHalls: TownHallService;
  moderation: ModerationPipeline;
}

/**
 * Wires the chat commands onto every connection. A message is screened by the moderation
 * pipeline before it is stored (bans, slow mode, the word filter, pre-moderation), then reported
 * to it so held messages join the moderators' queue. Returns the service the record reads.
 */
export function registerChat(deps: ChatDeps): ChatService {
  const { room, chat, townHalls, moderation } = deps;
  const broadcast = createChatBroadcast(room);
  moderation.registerKind(createChatAdapter({ chat, townHalls, broadcast }));

  // The same recent messages for every join until the room next changes, read once (room.sharedRead).
  const recentNow = room.sharedRead((townHallId) => chat.recentPublished(townHallId, CHAT_LIMITS.recent));
  room.use({
    name: 'chat',
    async onJoin({ user, townHall }) {
      const townHallId = townHall.id;
      const [recent, mine, slowModeSeconds] = await Promise.all([
        recentNow(townHallId),
        chat.pendingOf(townHallId, user.id, PENDING_SHOWN),
        moderation.slowMode(townHallPlace(townHallId)),
      ]);
      return { townHallId, slowModeSeconds, messages: snapshotMessages(recent, mine, user.id) };
    },
  });

  const bind = commandBinder(deps);

  bind('chat:send', {
    schema: ChatSend,
    townHall: (input) => input.townHallId,
    limit: RATES.send,
    async run({ user }, input) {
      const townHall = await townHalls.requireNotEnded(input.townHallId);
      const message = await moderation.admit(
        { kind: 'chat', author: user, place: townHallPlace(townHall.id), text: input.text, mode: townHall.moderation },
        (admitted) =>
          chat.add({
            townHallId: townHall.id,
            authorId: user.id,
            authorName: user.displayName,
            authorRole: badgeOf(user.role),
            ...admitted,
          }),
      );
      deps.log.debug({ chat: message.id, townHall: message.townHallId, status: message.status }, 'chat message');
      broadcast.changed(message);
      return chatView(message, 'author');
    },
  });


  return createChatService(chat);
}
