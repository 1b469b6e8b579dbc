import { CommandError, ErrorCode } from '../../shared/errors.js';
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
  /**
   * Starts a session for someone just signed in (as `user` read then); resolves to the cookie
   * value and its lifetime. Refused with UNAUTHENTICATED if the account was disabled or its
   * password reset in the meantime.
   */
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
      // A reset writes the password, then ends every session. Reading the account again after
      // this session is stored closes the gap between the two: either this read sees the new
      // password, or the session existed before the reset and the reset ends it.
      if (user.kind === 'account') {
        const now = await users.getUser(user.id);
        if (!now || now.disabled || now.passwordHash !== user.passwordHash) {
          await store.revokeSession(session.id);
          throw new CommandError(ErrorCode.UNAUTHENTICATED, 'Wrong username or password.');
        }
      }
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
