import { CommandError, ErrorCode } from '../../shared/errors.js';
import { MediaJoin, StageTarget } from '../../shared/media.js';
import { bindInterpreterCommands } from './interpreter-handlers.js';
import type { TownHall } from '../../shared/townhall.js';
import type { Bind } from '../core/command.js';
import type { RateRule } from '../core/rate-limit.js';
import type { AppSocket } from '../core/types.js';
import { requireJoined } from './access.js';
import type { MediaContext } from './media-context.js';

export const RATES = {
  hand: { name: 'stage:raise-or-lower-hand', points: 10, seconds: 10 },
  staff: { name: 'stage:act-as-staff', points: 30, seconds: 1 },
} satisfies Record<string, RateRule>;

const conflict = (message: string) => new CommandError(ErrorCode.CONFLICT, message);
const requireLive = (townHall: TownHall) => {
  if (townHall.status !== 'live') throw conflict('The stage opens when the town hall is live.');
};

/**
 * The stage: residents raise a hand; hosts and moderators bring one on stage and send them
 * back; hosts mute a speaker. Every change goes to the whole room (`stage:changed`), the queue
 * of names to staff only (`stage:hands-changed`), and the person concerned hears `stage:you-changed`.
 */
export function bindStageCommands(ctx: MediaContext, bind: Bind): void {
  const { room, townHalls, moderation } = ctx.deps;

  /** A town hall this connection joined, on a server with video. */
  const townHallFor = async (socket: AppSocket, townHallId: string): Promise<TownHall> => {
    requireJoined(socket, townHallId);
    ctx.service();
    return townHalls.require(townHallId);
  };

  bind('stage:raise-hand', {
    schema: MediaJoin,
    allow: (user) => user.role === 'resident',
    limit: RATES.hand,
    async run({ user, socket }, { townHallId }) {
      const townHall = await townHallFor(socket, townHallId);
      ctx.mediaOf(socket, townHallId);
      requireLive(townHall);
      await moderation.requireAllowed(user, townHallId);
      if (await ctx.stage.isSpeaker(townHallId, user.id)) throw conflict('You are already on stage.');
      if (await ctx.stage.raise(townHallId, { userId: user.id, displayName: user.displayName })) {
        await ctx.broadcastStage(townHallId, true);
        room.publishToPerson(user.id, 'stage:you-changed', { townHallId, onStage: false, handRaised: true });
      }
      return null;
    },
  });

  bind('stage:lower-hand', {
    schema: MediaJoin,
    allow: (user) => user.role === 'resident',
    limit: RATES.hand,
    async run({ user, socket }, { townHallId }) {
      await townHallFor(socket, townHallId);
      if (await ctx.stage.lower(townHallId, user.id)) {
        await ctx.broadcastStage(townHallId, true);
        room.publishToPerson(user.id, 'stage:you-changed', { townHallId, onStage: false, handRaised: false });
      }
      return null;
    },
  });

  bind('stage:invite', {
    schema: StageTarget,
    limit: RATES.staff,
    async run({ user, socket }, { townHallId, userId }) {
      const townHall = await townHallFor(socket, townHallId);
      if (!ctx.runsStage(townHall, user)) throw new CommandError(ErrorCode.FORBIDDEN, 'Only hosts and moderators run the stage.');
      requireLive(townHall);
      if (!(await ctx.stage.invite(townHallId, userId))) throw conflict('Only a person whose hand is up can be brought on stage.');
      room.publishToPerson(userId, 'stage:you-changed', { townHallId, onStage: true, handRaised: false });
      await ctx.broadcastStage(townHallId, true);
      return null;
    },
  });

  bind('stage:send-back', {
    schema: StageTarget,
    limit: RATES.staff,
    async run({ user, socket }, { townHallId, userId }) {
      const townHall = await townHallFor(socket, townHallId);
      // A speaker may step down by themselves.
      if (userId !== user.id && !ctx.runsStage(townHall, user)) {
        throw new CommandError(ErrorCode.FORBIDDEN, 'Only hosts and moderators run the stage.');
      }
      if (!(await ctx.stage.sendBack(townHallId, userId))) throw conflict('This person is not on stage.');
      ctx.closeProducersOf(townHallId, userId);
      await ctx.leftStage(townHallId, userId);
      room.publishToPerson(userId, 'stage:you-changed', { townHallId, onStage: false, handRaised: false });
      await ctx.broadcastStage(townHallId, false);
      return null;
    },
  });

  bindInterpreterCommands(ctx, bind, townHallFor);

  bind('stage:mute', {
    schema: StageTarget,
    limit: RATES.staff,
    async run({ user, socket }, { townHallId, userId }) {
      const townHall = await townHallFor(socket, townHallId);
      if (!townHalls.isHost(townHall, user)) throw new CommandError(ErrorCode.FORBIDDEN, 'Only hosts mute speakers.');
      if (!(await ctx.stage.isSpeaker(townHallId, userId))) throw conflict('This person is not on stage.');
      const microphones = (ctx.deps.media?.existingMedia(townHallId)?.producers() ?? []).filter(
        (p) => p.appData.userId === userId && p.kind === 'audio' && !p.paused,
      );
      for (const producer of microphones) {
        await producer.pause();
        room.publish(townHallId, 'media:producer-paused', { townHallId, producerId: producer.id, paused: true });
      }
      return null;
    },
  });
}
