import type { IdentityChallenge } from './session.js';
// The error codes a client can receive in an acknowledgement. Raw exception text never
// reaches a client: every failure is one of these, with a short human message.
export const ErrorCode = {
  INVALID_PAYLOAD: 'INVALID_PAYLOAD',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  CONFLICT: 'CONFLICT',
  RATE_LIMITED: 'RATE_LIMITED',
  /** A new identity from a network that made several already: solve the proof-of-work `challenge` and send it again. */
  CHALLENGE_REQUIRED: 'CHALLENGE_REQUIRED',
  UNAVAILABLE: 'UNAVAILABLE',
  INTERNAL: 'INTERNAL',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export interface AppError {
  code: ErrorCode;
  message: string;
  /** With RATE_LIMITED: how long to wait before trying again. */
  retryAfterMs?: number;
  /** With RATE_LIMITED: 'network' when the budget spent is the whole network's, not the person's own. */
  scope?: 'network';
  /** With CHALLENGE_REQUIRED: the proof-of-work challenge to solve (see shared/session.ts IdentityProof). */
  challenge?: IdentityChallenge;
  /** With INVALID_PAYLOAD: which fields were wrong (paths only, never the values). */
  fields?: string[];
  /**
   * A cause the client words in its own language: with INVALID_PAYLOAD, a name too close to a
   * staff member's; with CONFLICT, a question that was merged into another (vote for that one),
   * or a mailed link already used or past its expiry; with UNAVAILABLE, recording refused for
   * lack of disk space.
   */
  reason?: 'STAFF_NAME' | 'MERGED' | 'LINK_USED' | 'LINK_EXPIRED' | 'DISK_LOW';
  /** With FORBIDDEN for a timed-out or banned person: when it ends (ms since epoch), or null if permanent. */
  until?: number | null;
}

export type Result<T> = { ok: true; data: T } | { ok: false; error: AppError };
export type Ack<T> = (result: Result<T>) => void;

export const ok = <T>(data: T): Result<T> => ({ ok: true, data });
export const fail = (code: ErrorCode, message: string, extra: Partial<AppError> = {}): Result<never> => ({
  ok: false,
  error: { code, message, ...extra },
});

/** Thrown inside a command to end it with a given code; the command wrapper turns it into an ack. */
export class CommandError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly extra: Partial<AppError> = {},
  ) {
    super(message);
  }
}

/**
 * The `connect_error` message of a handshake refused because this person, or their network,
 * already holds as many connections as the server allows.
 */
export const TOO_MANY_CONNECTIONS = 'TOO_MANY_CONNECTIONS';
