// The one typed Socket.IO connection of the app. Everything the browser says to the server over
// the socket goes through `command`, so every command has the same timeout and result shape.
import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, CommandName, ServerToClientEvents } from '../../../shared/events.js';
import type { Ack, Result } from '../../../shared/errors.js';
import { deliverFrame } from '../../../shared/room.js';

export type AppSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export type CommandPayload<K extends CommandName> = Parameters<ClientToServerEvents[K]>[0];
export type CommandData<K extends CommandName> =
  Parameters<ClientToServerEvents[K]>[1] extends Ack<infer T> ? T : never;

const COMMAND_TIMEOUT_MS = 10_000;

// Created on first use and never connected automatically: the handshake needs a session
// cookie, which only exists once the person has joined or signed in — or asks to watch.
let instance: AppSocket | null = null;
/** Whether the next handshake asks to watch (no name yet): read at every (re)connection. */
let watching = false;

/**
 * Connect as a watcher (a visitor who has not chosen a name: they see and hear, and do nothing
 * else) or as the person the session cookie names. Takes effect at the next handshake.
 */
export function setWatching(on: boolean): void {
  watching = on;
}

export function getSocket(): AppSocket {
  if (!instance) {
    instance = io({
      path: '/socket.io',
      transports: ['websocket'],
      autoConnect: false,
      withCredentials: true,
      auth: (send) => send(watching ? { watch: true } : {}),
    });
    // A room's facts come framed, one packet per tick; each feature listens for them by name.
    const socket = instance;
    socket.on('townhall:frame', (frame) => deliverFrame(socket, frame));
  }
  return instance;
}

const unavailable = (message: string): Result<never> => ({ ok: false, error: { code: 'UNAVAILABLE', message } });

/**
 * Sends a command and resolves with its acknowledgement. A command is never queued while the
 * socket is down (the room state is re-fetched on reconnect anyway), and a missing
 * acknowledgement becomes UNAVAILABLE rather than a rejected promise.
 */
export async function command<K extends CommandName>(name: K, payload: CommandPayload<K>): Promise<Result<CommandData<K>>> {
  const socket = getSocket();
  if (!socket.connected) return unavailable('Not connected.');
  // The mapped event types cannot be narrowed through a generic key; the signature above
  // carries the real types for callers.
  const timed = socket.timeout(COMMAND_TIMEOUT_MS);
  const send = timed.emitWithAck.bind(timed) as unknown as (
    event: K,
    payload: CommandPayload<K>,
  ) => Promise<Result<CommandData<K>>>;
  try {
    return await send(name, payload);
  } catch {
    return unavailable('The server did not answer in time.');
  }
}
