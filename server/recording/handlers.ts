import { CommandError, ErrorCode } from '../../shared/errors.js';
import { RecordingTarget } from '../../shared/recording.js';
import { isStaff } from '../../shared/roles.js';
import type { TownHall } from '../../shared/townhall.js';
import { commandBinder, type CommandDeps } from '../core/command.js';
import type { RateRule } from '../core/rate-limit.js';
import type { SessionUser } from '../core/types.js';
import type { TownHallRoom } from '../townhall/room.js';
import type { TownHallService } from '../townhall/service.js';
import type { RecordingService } from './service.js';

export const RATES = {
  /** A host starts and stops a few times in a meeting at most. */
  toggle: { name: 'recording:toggle', points: 10, seconds: 60 },
} satisfies Record<string, RateRule>;

export interface RecordingDeps extends CommandDeps {
  room: TownHallRoom;
  townHalls: TownHallService;
  recording: RecordingService;
  /** Whether admins require every town hall to be recorded (hosts then cannot stop it). */
  required: () => Promise<boolean>;
}

/**
 * Wires `recording:start` and `recording:stop` (the town hall's hosts and admins, while it is
 * live), the recording part of the join snapshot, and `recording:changed` to everyone in the
 * town hall on every start and stop, whoever or whatever caused it.
 */
export function registerRecording(deps: RecordingDeps): { close(): void } {
  const { room, townHalls, recording } = deps;

  room.use({ name: 'recording', onJoin: async ({ townHall }) => recording.state(townHall.id) });
  const off = recording.onChange((townHallId, state) => room.publish(townHallId, 'recording:changed', { townHallId, state }));
  const unwatched = townHalls.onChange((townHall) => recording.townHallChanged(townHall));

  const requireHostOfLive = async (townHallId: string, user: SessionUser): Promise<TownHall> => {
    const townHall = await townHalls.require(townHallId);
    if (!townHalls.isHost(townHall, user)) throw new CommandError(ErrorCode.FORBIDDEN, "Only this town hall's hosts record it.");
    if (townHall.status !== 'live') throw new CommandError(ErrorCode.CONFLICT, 'Recording is possible only while the town hall is live.');
    return townHall;
  };

  const bind = commandBinder(deps);
  bind('recording:start', {
    schema: RecordingTarget,
    allow: (user) => isStaff(user.role),
    townHall: (input) => input.townHallId,
    limit: RATES.toggle,
    async run({ user }, { townHallId }) {
      await requireHostOfLive(townHallId, user);
      return recording.start(townHallId);
    },
  });
  bind('recording:stop', {
    schema: RecordingTarget,
    allow: (user) => isStaff(user.role),
    townHall: (input) => input.townHallId,
    limit: RATES.toggle,
    async run({ user }, { townHallId }) {
      await requireHostOfLive(townHallId, user);
      if (await deps.required()) {
        throw new CommandError(ErrorCode.CONFLICT, 'Every town hall is recorded by the administrators\' setting.');
      }
      return recording.stop(townHallId);
    },
  });

  return {
    close() {
      off();
      unwatched();
    },
  };
}

/**
 * The room as a feature sees it, with what it publishes to everyone also told to the
 * recording: questions "answering now" and caption lines reach the timeline exactly as viewers
 * saw them, without the recording reading those features' stores.
 */
export function recordedRoom(room: TownHallRoom, recording: Pick<RecordingService, 'fact'>): TownHallRoom {
  return {
    ...room,
    publish(townHallId, event, payload, except) {
      room.publish(townHallId, event, payload, except);
      recording.fact(townHallId, event, payload);
    },
  };
}
