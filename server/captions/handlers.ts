import { CAPTION_LIMITS, CaptionsSend, type CaptionLine } from '../../shared/captions.js';
import { CommandError, ErrorCode } from '../../shared/errors.js';
import { badgeOf, type Role } from '../../shared/roles.js';
import { commandBinder, type CommandDeps } from '../core/command.js';
import type { RateRule } from '../core/rate-limit.js';
import type { TownHallRoom } from '../townhall/room.js';
import type { TownHallService } from '../townhall/service.js';
import { createCaptionService, type CaptionService } from './service.js';
import type { CaptionRecord, CaptionStore } from './store.js';

export const RATES = {
  /** A fast captioner sends a line every second or two; this only stops a runaway client. */
  send: { name: 'captions:send', points: 20, seconds: 10 },
} satisfies Record<string, RateRule>;

/** Roles that may caption at all; officers and admins must also host this town hall (admins always do). */
const mayCaption = (role: Role): boolean => role === 'captioner' || role === 'officer' || role === 'admin';

const lineOf = ({ id, townHallId, text, at, authorRole, lang }: CaptionRecord): CaptionLine => ({ id, townHallId, text, at, authorRole, lang });

export interface CaptionDeps extends CommandDeps {
  /** Where captions add their part to a join and send their lines. */
  room: TownHallRoom;
  captions: CaptionStore;
  townHalls: TownHallService;
}

/**
 * Wires the captions commands. Captioners are staff, so lines are not screened by moderation,
 * only validated and rate-limited. Returns the service the record reads.
 */
export function registerCaptions(deps: CaptionDeps): CaptionService {
  const { room, captions, townHalls } = deps;

  // The same lines for every join until the room next changes, read and shaped once (room.sharedRead).
  const linesNow = room.sharedRead(async (townHallId) => (await captions.recent(townHallId, CAPTION_LIMITS.recent)).map(lineOf));
  room.use({
    name: 'captions',
    async onJoin({ townHall }) {
      return { townHallId: townHall.id, lines: await linesNow(townHall.id) };
    },
  });

  const bind = commandBinder(deps);

  bind('captions:send', {
    schema: CaptionsSend,
    allow: (user) => mayCaption(user.role),
    townHall: (input) => input.townHallId,

    limit: RATES.send,
    async run({ user }, { townHallId, text, lang }) {
      const townHall = await townHalls.requireNotEnded(townHallId);
      if (user.role !== 'captioner' && !townHalls.isHost(townHall, user)) {
        throw new CommandError(ErrorCode.FORBIDDEN, 'Only captioners and this town hall\'s hosts caption it.');
      }
      if (townHall.status !== 'live') throw new CommandError(ErrorCode.CONFLICT, 'Captions start when the town hall goes live.');
      const line = lineOf(await captions.add({ townHallId, authorId: user.id, authorRole: badgeOf(user.role), text, lang: lang ?? null }));
      room.publish(townHallId, 'captions:line-added', { line });
      return line;
    },
  });


  return createCaptionService(captions);
}
