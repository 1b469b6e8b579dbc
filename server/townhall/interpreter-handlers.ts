import { CommandError, ErrorCode } from '../../shared/errors.js';
import { MediaJoin, SetInterpreter, type Speaker } from '../../shared/media.js';
import { isStaff } from '../../shared/roles.js';
import type { TownHall } from '../../shared/townhall.js';
import type { Bind } from '../core/command.js';
import type { Interpreter } from '../core/coordination.js';
import type { RateRule } from '../core/rate-limit.js';
import { rooms, type AppSocket } from '../core/types.js';
import type { MediaContext } from './media-context.js';

export const RATES = {
  mark: { name: 'stage:set-interpreter', points: 20, seconds: 10 },
  /** Lists everyone in the town hall's room on every node: a host opens it now and then, not in a loop. */
  candidates: { name: 'stage:interpreter-candidates', points: 5, seconds: 10 },
} satisfies Record<string, RateRule>;

const forbidden = () => new CommandError(ErrorCode.FORBIDDEN, 'Only the hosts of this town hall mark the interpreter.');

/**
 * The sign-language interpreter: a host marks one person, a staff member in the town hall or a
 * resident on stage, whose camera every viewer then keeps in a tile of its own (StageView.interpreter).
 * Marked, they may publish camera and microphone (never a screen, media-rules.ts); unmarked, what
 * they publish closes unless they are a listed host or on stage.
 */
export function bindInterpreterCommands(
  ctx: MediaContext,
  bind: Bind,
  townHallFor: (socket: AppSocket, townHallId: string) => Promise<TownHall>,
): void {
  const { io, townHalls } = ctx.deps;

  /** A staff member with a connection in this town hall, on any node (their own room is small). */
  const staffInTownHall = async (townHallId: string, userId: string): Promise<Speaker | null> => {
    const sockets = await io.in(rooms.user(userId)).fetchSockets();
    const found = sockets.find((s) => s.data.townHalls.includes(townHallId) && isStaff(s.data.user.role) && !s.data.user.watcher);
    return found ? { userId, displayName: found.data.user.displayName } : null;
  };

  /** Who may be marked, or null: residents on stage, and staff in the town hall. */
  const candidate = async (townHallId: string, userId: string): Promise<Interpreter | null> => {
    const speaker = (await ctx.stage.view(townHallId)).speakers.find((s) => s.userId === userId);
    if (speaker) return { ...speaker, staff: false };
    const staff = await staffInTownHall(townHallId, userId);
    return staff ? { ...staff, staff: true } : null;
  };

  /** The one replaced or unmarked loses what only marking allowed. */
  const release = async (townHall: TownHall, previous: Interpreter) => {
    const listedHost = townHall.hosts.some((h) => h.id === previous.userId);
    if (!listedHost && !(await ctx.stage.isSpeaker(townHall.id, previous.userId))) ctx.closeProducersOf(townHall.id, previous.userId);
  };

  bind('stage:set-interpreter', {
    schema: SetInterpreter,
    limit: RATES.mark,
    async run({ user, socket }, { townHallId, userId }) {
      const townHall = await townHallFor(socket, townHallId);
      if (!townHalls.isHost(townHall, user)) throw forbidden();
      if (townHall.status === 'ended') throw new CommandError(ErrorCode.CONFLICT, 'This town hall has ended.');
      let next: Interpreter | null = null;
      if (userId !== null) {
        next = await candidate(townHallId, userId);
        if (next === null) {
          throw new CommandError(ErrorCode.CONFLICT, 'The interpreter is a staff member in the town hall or a resident on stage.');
        }
      }
      const previous = await ctx.stage.setInterpreter(townHallId, next);
      if (previous?.userId === next?.userId) return null;
      if (previous !== null) await release(townHall, previous);
      await ctx.broadcastStage(townHallId, false);
      return null;
    },
  });

  bind('stage:interpreter-candidates', {
    schema: MediaJoin,
    limit: RATES.candidates,
    async run({ user, socket }, { townHallId }) {
      const townHall = await townHallFor(socket, townHallId);
      if (!townHalls.isHost(townHall, user)) throw forbidden();
      const people = new Map<string, Speaker>();
      // The whole room, not its staff room, which holds reviewers only (no captioners).
      for (const s of await io.in(rooms.townHall(townHallId)).fetchSockets()) {
        if (isStaff(s.data.user.role) && !s.data.user.watcher) people.set(s.data.user.id, { userId: s.data.user.id, displayName: s.data.user.displayName });
      }
      for (const speaker of (await ctx.stage.view(townHallId)).speakers) people.set(speaker.userId, speaker);
      return [...people.values()];
    },
  });
}
