import { TownHallJoin, TownHallLeave, type TownHallParts, type TownHallSnapshot } from '../../shared/room.js';
import { canReview } from '../../shared/roles.js';
import type { TownHall } from '../../shared/townhall.js';
import { commandBinder, type CommandDeps } from '../core/command.js';
import { sharedReads } from '../core/shared-read.js';
import type { RateRule } from '../core/rate-limit.js';
import { rooms, type AppSocket, type SessionUser } from '../core/types.js';
import type { RoomFrames } from './frames.js';
import { createRoomPublisher, type RoomPublisher } from './publish.js';
import type { TownHallService } from './service.js';

export const RATES = {
  /** Every page load and reconnect joins once; a loop of joins is what this stops. */
  join: { name: 'townhall:join', points: 20, seconds: 10 },
} satisfies Record<string, RateRule>;

export interface JoinContext {
  socket: AppSocket;
  user: SessionUser;
  townHall: TownHall;
}

export interface LeaveContext {
  socket: AppSocket;
  user: SessionUser;
  townHallId: string;
  /** `disconnected`: the connection dropped (and may come back with its rooms, recovered). */
  reason: 'left' | 'disconnected';
}

type PartExtension<K extends keyof TownHallParts> = {
  name: K;
  /** This feature's part of the join snapshot, read after the connection is in the room. */
  onJoin(ctx: JoinContext): Promise<TownHallParts[K]>;
  onLeave?(ctx: LeaveContext): void | Promise<void>;
};

/**
 * What a feature adds to the room, in the manner of Hocuspocus's extensions: a part of the join
 * snapshot (named as in `TownHallParts`), or only something to do when a connection leaves.
 */
export type RoomExtension =
  | { [K in keyof TownHallParts]: PartExtension<K> }[keyof TownHallParts]
  | { name: string; onJoin?: never; onLeave(ctx: LeaveContext): void | Promise<void> };

/** A town hall's room: who is in it, what they get on coming in, and how facts reach them. */
export interface TownHallRoom extends RoomPublisher {
  /** Adds a feature's hooks; leave hooks run in the order features were added. */
  use(extension: RoomExtension): void;
  /**
   * Runs before each frame is built, each slice's in a staggered room (a tally sends its counts
   * then, so they ride in it).
   */
  beforeFrame(hook: () => Promise<void>): void;
  /**
   * A read of what everyone in a town hall sees, for join snapshots: shared by every join until
   * something is next sent to the room (core/shared-read.ts). The value is shared: read-only.
   */
  sharedRead<V>(read: (townHallId: string) => Promise<V>): (townHallId: string) => Promise<V>;
}

export interface RoomDeps extends CommandDeps {
  townHalls: TownHallService;
  frames: RoomFrames;
}

/**
 * Owns `townhall:join` and `townhall:leave`: membership of the Socket.IO rooms (the staff room
 * too, for reviewers), `socket.data.townHalls` that every command about a town hall checks
 * (`requireJoined`), and the snapshot each feature contributes to. A connection that drops
 * runs the leave hooks as if it had left.
 */
export function createTownHallRoom(deps: RoomDeps): TownHallRoom {
  const { io, townHalls, log, frames } = deps;
  const extensions: RoomExtension[] = [];

  async function runLeaveHooks(ctx: LeaveContext): Promise<void> {
    for (const extension of extensions) {
      try {
        await extension.onLeave?.(ctx);
      } catch (err) {
        // One feature's cleanup failing must not keep the others from theirs.
        log.error({ err, extension: extension.name, townHall: ctx.townHallId }, 'leave hook failed');
      }
    }
  }

  const leaveRooms = async (socket: AppSocket, townHallId: string) => {
    await socket.leave(rooms.townHall(townHallId));
    await socket.leave(frames.sliceRoom(townHallId, socket.id));
    await socket.leave(rooms.townHallStaff(townHallId));
  };

  const bind = commandBinder(deps);

  bind('townhall:join', {
    schema: TownHallJoin,
    limit: RATES.join,
    async run({ user, socket }, { townHallId }) {
      // In the room before anything is read, the town hall too: a fact sent meanwhile reaches
      // the client, which applies it over the snapshot, so nothing falls between the two.
      const already = socket.data.townHalls.includes(townHallId);
      // With its slice's room, which a large room's frames are staggered over (frames.ts).
      await socket.join([rooms.townHall(townHallId), frames.sliceRoom(townHallId, socket.id)]);
      if (canReview(user.role)) await socket.join(rooms.townHallStaff(townHallId));
      const townHall = await townHalls.require(townHallId).catch(async (err: unknown) => {
        if (!already) await leaveRooms(socket, townHallId);
        throw err;
      });
      if (!already) socket.data.townHalls.push(townHallId);
      const ctx = { socket, user, townHall };
      // The parts are independent reads: read at once, not one after another.
      const parts = await Promise.all(
        extensions.flatMap((e) => (e.onJoin ? [e.onJoin(ctx).then((part) => [e.name, part] as const)] : [])),
      );
      return { townHall, ...Object.fromEntries(parts) } as TownHallSnapshot;
    },
  });

  bind('townhall:leave', {
    schema: TownHallLeave,
    async run({ user, socket }, { townHallId }) {
      const joined = socket.data.townHalls.includes(townHallId);
      await leaveRooms(socket, townHallId);
      socket.data.townHalls = socket.data.townHalls.filter((id) => id !== townHallId);
      if (joined) await runLeaveHooks({ socket, user, townHallId, reason: 'left' });
      return null;
    },
  });

  // Attached at the handshake (which recovered connections pass too) rather than by one more
  // 'connection' listener: each feature's commands add one, and a namespace warns past ten.
  io.use((socket, next) => {
    socket.on('disconnect', leftOnDisconnect);
    next();
  });
  // A connection recovered after a short drop is back in its rooms, but frames are written by
  // each node to its own connections and are not replayed: it takes the current state again.
  io.on('connection', (socket) => {
    if (!socket.recovered) return;
    for (const townHallId of socket.data.townHalls) socket.emit('townhall:resync', { townHallId });
  });
  function leftOnDisconnect(this: AppSocket): void {
    // socket.data is left as it is: Socket.IO has kept it (by reference) for the connection's
    // recovery, which brings the person back into the same rooms.
    for (const townHallId of this.data.townHalls) {
      void runLeaveHooks({ socket: this, user: this.data.user, townHallId, reason: 'disconnected' });
    }
  }

  return {
    ...createRoomPublisher(io, frames),
    use: (extension) => void extensions.push(extension),
    beforeFrame: (hook) => frames.beforeFrame(hook),
    sharedRead: (read) => sharedReads(read, frames.version),
  };
}
