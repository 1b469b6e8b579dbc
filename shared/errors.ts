// The error codes a client can receive in an acknowledgement. Raw exception text never
// reaches a client: every failure is one of these, with a short human message.
export const ErrorCode = {
  INVALID_PAYLOAD: 'INVALID_PAYLOAD',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  CONFLICT: 'CONFLICT',
  RATE_LIMITED: 'RATE_LIMITED',
  UNAVAILABLE: 'UNAVAILABLE',
  INTERNAL: 'INTERNAL',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export interface AppError {
  code: ErrorCode;
  message: string;
  /** With RATE_LIMITED: how long to wait before trying again. */
  retryAfterMs?: number;
  /** With INVALID_PAYLOAD: which fields were wrong (paths only, never the values). */
  fields?: string[];
  /** With INVALID_PAYLOAD: a cause the client words in its own language (a name too close to a staff member's). */
  reason?: 'STAFF_NAME';
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
