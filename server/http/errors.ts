import type { ErrorRequestHandler } from 'express';
import type { z } from 'zod';
import { CommandError, ErrorCode, type AppError } from '../../shared/errors.js';
import { Id } from '../../shared/ids.js';
import type { Logger } from '../core/log.js';

const STATUS: Record<ErrorCode, number> = {
  INVALID_PAYLOAD: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  RATE_LIMITED: 429,
  CHALLENGE_REQUIRED: 428,
  UNAVAILABLE: 503,
  INTERNAL: 500,
};

/** An id from the path, or NOT_FOUND naming what was asked for: a malformed id names nothing. */
export function idParam(raw: unknown, what: string): string {
  const id = Id.safeParse(raw);
  if (!id.success) throw new CommandError(ErrorCode.NOT_FOUND, `No such ${what}.`);
  return id.data;
}

/** Parses a request body or throws INVALID_PAYLOAD naming the fields (never echoing values). */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  const parsed = schema.safeParse(body ?? {});
  if (parsed.success) return parsed.data;
  const fields = [...new Set(parsed.error.issues.map((i) => i.path.join('.') || '(body)'))];
  throw new CommandError(ErrorCode.INVALID_PAYLOAD, 'The request was not valid.', { fields });
}

/** Errors become `{ error: { code, message } }` with a matching status; stack traces stay in the log. */
export function errorHandler(log: Logger, isUnavailable: (err: unknown) => boolean): ErrorRequestHandler {
  return (err, _req, res, _next) => {
    let error: AppError;
    if (err instanceof CommandError) error = { code: err.code, message: err.message, ...err.extra };
    // body-parser marks client faults (bad JSON, wrong charset, too large) as exposable 4xx.
    else if ((err?.expose === true && err.status < 500) || err instanceof SyntaxError)
      error = { code: ErrorCode.INVALID_PAYLOAD, message: 'The request body was not valid JSON of an accepted size.' };
    else if (isUnavailable(err)) error = { code: ErrorCode.UNAVAILABLE, message: 'The service is briefly unavailable; try again.' };
    else {
      log.error({ err }, 'request failed');
      error = { code: ErrorCode.INTERNAL, message: 'Something went wrong on our side.' };
    }
    // The standard header for the wait, beside retryAfterMs in the body for the app's own client.
    if (error.retryAfterMs !== undefined) res.setHeader('Retry-After', String(Math.ceil(error.retryAfterMs / 1000)));
    res.status(STATUS[error.code]).json({ error });
  };
}
