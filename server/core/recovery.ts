import { Socket } from 'socket.io';
import type { AppServer } from './types.js';

type RestoredSession = { data?: { user?: { id?: string }; session?: string } };

/** The part of Socket.IO 4.8's Namespace this module replaces (pinned: see package.json). */
interface NamespaceInternals {
  adapter: { restoreSession(pid: string, offset: string): Promise<RestoredSession | null> | RestoredSession | null };
  _createSocket(client: { conn: { request: { headers: { cookie?: string } } } }, auth: Record<string, unknown>): Promise<Socket>;
}

/** How long a dropped connection may come back with its rooms and the events it missed. */
export const RECOVERY_WINDOW_MS = 2 * 60_000;

/**
 * Connection-state recovery, but only for the person it belongs to. Socket.IO restores a
 * session from the private id the client presents and writes the missed events to the wire
 * before any middleware runs, so re-running authentication afterwards would be too late. Here
 * the session is restored only when the cookie names a live sign-in session (read by
 * `sessionOf`, which asks the session store) that is the very one the connection was opened
 * with; anyone else, or the same cookie after sign-out, starts a fresh connection with no rooms
 * and no replay. The handshake middleware still runs on every connection, recovered or not.
 */
export function guardRecovery(
  io: AppServer,
  sessionOf: (cookie: string | undefined) => Promise<{ id: string; user: { id: string } } | null>,
): void {
  const nsp = io.of('/') as unknown as NamespaceInternals;
  nsp._createSocket = async (client, auth) => {
    const { pid, offset } = auth ?? {};
    if (typeof pid === 'string' && typeof offset === 'string') {
      // The in-memory adapter answers synchronously (and null for an unknown session), Redis's later.
      const session = await Promise.resolve()
        .then(() => nsp.adapter.restoreSession(pid, offset))
        .catch(() => null);
      const owner = session?.data?.user?.id;
      const live = session && owner !== undefined ? await sessionOf(client.conn.request.headers.cookie).catch(() => null) : null;
      if (session && live && live.user.id === owner && live.id === session.data?.session) {
        return new Socket(nsp as never, client as never, auth, session as never);
      }
    }
    return new Socket(nsp as never, client as never, auth);
  };
}
