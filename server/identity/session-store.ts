/** One signed-in browser (or client): what a session cookie points at. */
export interface SessionRecord {
  id: string;
  userId: string;
  createdAt: number;
  /** ms since epoch; the session reads as absent from then on. */
  expiresAt: number;
}

/**
 * Server-side sessions, so that signing out, "sign out everywhere", disabling an account and a
 * password reset end a session for good instead of waiting for a cookie to expire.
 *
 * Invariants (tests/stores/sessions.contract.ts):
 * - `getSession` returns exactly what `createSession` stored, until it expires or is revoked,
 *   and null afterwards, on every connection to the same data (no node may cache it);
 * - ids are unguessable (96 random bits) and never reused;
 * - `revokeSession` ends that one session only; `revokeUserSessions` ends every session of that
 *   person, including one created concurrently with it, and no one else's;
 * - every method resolves only after the write is stored.
 * Expired sessions are deleted without being asked (SQLite sweeps them when a session starts,
 * Redis lets them expire), so the store does not grow with every sign-in ever made.
 */
export interface SessionStore {
  createSession(userId: string, ttlMs: number): Promise<SessionRecord>;
  getSession(id: string): Promise<SessionRecord | null>;
  /** Resolves to false when there was no live session with that id. */
  revokeSession(id: string): Promise<boolean>;
  /** Resolves to how many live sessions were ended. */
  revokeUserSessions(userId: string): Promise<number>;
}
