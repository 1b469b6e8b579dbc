import type { SessionUser } from '../core/types.js';
import { sessionTtlMs } from './service.js';
import type { SessionStore } from './session-store.js';
import type { IdentityStore, UserRecord } from './store.js';
import { readCookie, sessionCookie, signSession, verifySession } from './tokens.js';

/** A live session and the person it belongs to. */
export interface LiveSession {
  id: string;
  user: SessionUser;
}

export interface Sessions {
  /** The cookie's name and attributes (without its lifetime) for this server. */
  readonly cookie: ReturnType<typeof sessionCookie>;
  /** Starts a session for someone just signed in; resolves to the cookie value and its lifetime. */
  open(user: UserRecord): Promise<{ token: string; ttlMs: number }>;
  /** The live session a Cookie header names, or null: unsigned, expired, revoked, or the account disabled. */
  fromCookieHeader(header: string | undefined): Promise<LiveSession | null>;
  /** Ends one session and disconnects its sockets, on every node. */
  end(sessionId: string): Promise<void>;
  /** Ends every session of a person and disconnects all their sockets, on every node. */
  endAll(userId: string): Promise<void>;
}

export interface SessionDeps {
  store: SessionStore;
  users: IdentityStore;
  secret: string;
  secureCookies: boolean;
  /** Disconnects sockets; through the Socket.IO adapter, so it reaches every node. */
  disconnect: { session(sessionId: string): void; user(userId: string): void };
}

/**
 * Every request and every socket handshake reads the session store: there is no cache, so a
 * revocation on one node holds on every other node from the next request.
 */
export function createSessions(deps: SessionDeps): Sessions {
  const { store, users, secret } = deps;
  const cookie = sessionCookie(deps.secureCookies);
  return {
    cookie,
    async open(user) {
      const ttlMs = sessionTtlMs(user.role);
      const session = await store.createSession(user.id, ttlMs);
      return { token: signSession(secret, session.id, ttlMs), ttlMs };
    },
    async fromCookieHeader(header) {
      const id = verifySession(secret, readCookie(header, cookie.name));
      if (!id) return null;
      const session = await store.getSession(id);
      if (!session) return null;
      const user = await users.getUser(session.userId);
      if (!user || user.disabled) return null;
      return { id, user: { id: user.id, role: user.role, displayName: user.displayName } };
    },
    async end(sessionId) {
      await store.revokeSession(sessionId);
      deps.disconnect.session(sessionId);
    },
    async endAll(userId) {
      await store.revokeUserSessions(userId);
      deps.disconnect.user(userId);
    },
  };
}
