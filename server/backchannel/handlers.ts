import { BACKCHANNEL_LIMITS, BackchannelSend, type BackchannelMessage } from '../../shared/backchannel.js';
import { CommandError, ErrorCode } from '../../shared/errors.js';
import { badgeOf, isStaff } from '../../shared/roles.js';
import { commandBinder, type CommandDeps } from '../core/command.js';
import type { RateRule } from '../core/rate-limit.js';
import type { TownHallRoom } from '../townhall/room.js';
import type { TownHallService } from '../townhall/service.js';
import { mayUseBackchannel } from './rules.js';
import type { BackchannelRecord, BackchannelStore } from './store.js';

export const RATES = {
  /** A busy crew writes a line every few seconds; this only stops a runaway client. */
  send: { name: 'backchannel:send', points: 20, seconds: 10 },
} satisfies Record<string, RateRule>;

/**
 * The Socket.IO room of a town hall's backchannel: its crew who joined it, on every node. Not
 * the room's staff frames (`publishToStaff`): those go to the reviewing staff (officers,
 * moderators, admins), which leaves out captioners and takes in officers who do not host.
 */
export const backchannelRoom = (townHallId: string) => `th:${townHallId}:backchannel`;

export const messageOf = ({ id, townHallId, text, at, authorName, authorRole }: BackchannelRecord): BackchannelMessage => ({
  id,
  townHallId,
  text,
  at,
  authorName,
  authorRole,
});

export interface BackchannelDeps extends CommandDeps {
  room: TownHallRoom;
  backchannel: BackchannelStore;
  townHalls: TownHallService;
}

/**
 * Wires the staff backchannel: its part of the join snapshot (null for anyone not on the crew),
 * its room, and `backchannel:send`. Staff text: validated and rate-limited, not screened.
 */
export function registerBackchannel(deps: BackchannelDeps): void {
  const { io, room, backchannel, townHalls } = deps;

  room.use({
    name: 'backchannel',
    async onJoin({ socket, user, townHall }) {
      const channel = backchannelRoom(townHall.id);
      if (!mayUseBackchannel(townHall, user)) {
        // An officer taken off the hosts stops hearing it once they join again.
        await socket.leave(channel);
        return null;
      }
      // In the room before reading, as the town hall room does: a message sent meanwhile arrives as a fact.
      await socket.join(channel);
      const messages = await backchannel.recent(townHall.id, BACKCHANNEL_LIMITS.recent);
      return { townHallId: townHall.id, messages: messages.map(messageOf) };
    },
    async onLeave({ socket, townHallId, reason }) {
      // A dropped connection keeps its rooms for its recovery; Socket.IO drops them if it never comes back.
      if (reason === 'left') await socket.leave(backchannelRoom(townHallId));
    },
  });

  const bind = commandBinder(deps);

  bind('backchannel:send', {
    schema: BackchannelSend,
    allow: (user) => isStaff(user.role),
    townHall: (input) => input.townHallId,
    limit: RATES.send,
    async run({ user }, { townHallId, text }) {
      const townHall = await townHalls.requireNotEnded(townHallId);
      const authorRole = badgeOf(user.role);
      if (!authorRole || !mayUseBackchannel(townHall, user)) {
        throw new CommandError(ErrorCode.FORBIDDEN, 'Only this town hall\'s hosts, moderators and captioners use its backchannel.');
      }
      const record = await backchannel.add({
        townHallId,
        authorId: user.id,
        authorName: user.displayName,
        authorRole,
        text,
      });
      const message = messageOf(record);
      io.to(backchannelRoom(townHallId)).emit('backchannel:posted', { message });
      return message;
    },
  });
}
