import type { Server, Socket } from 'socket.io';
import type { ClientToServerEvents, InterServerEvents, ServerToClientEvents } from '../../shared/events.js';
import type { Role } from '../../shared/roles.js';

/** Who a connection belongs to, established once in the handshake. */
export interface SessionUser {
  id: string;
  role: Role;
  displayName: string;
  /**
   * A visitor watching before choosing a name: no session and no stored identity, only this
   * connection (its id is made for it and dies with it). It may come into town halls and receive
   * their facts and video; every command that acts is refused (core/command.ts, WATCHABLE).
   */
  watcher?: true;
}

export interface SocketData {
  user: SessionUser;
  /** The server-side session the connection was opened with; ending it disconnects the socket. '' for a watcher. */
  session: string;
  /** A keyed hash of the network the connection comes from (see http/address.ts); never the address. */
  network: string;
  /** Town halls this connection has joined; commands about a town hall require it. */
  townHalls: string[];
}

export type AppServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
export type AppSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

/**
 * Socket.IO rooms: one per town hall, its staff, the slices its frames are staggered over
 * (server/townhall/frame-tick.ts), each person (all their tabs) and each session.
 */
export const rooms = {
  townHall: (id: string) => `th:${id}`,
  townHallStaff: (id: string) => `th:${id}:staff`,
  townHallSlice: (id: string, slice: number) => `th:${id}:slice:${slice}`,
  user: (id: string) => `user:${id}`,
  session: (id: string) => `session:${id}`,
};
