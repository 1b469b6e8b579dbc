// The contract pieces the interface needs at run time, re-exported in one place. Forms are
// checked with the very schemas the server parses with, so a form only says "too long" where
// the server would refuse; the messages are the client's own, translated.
import type { z } from 'zod';
import type { AppError } from '../../../shared/errors.js';

export { CreateStaffBody, GuestJoinBody, LoginBody, RegisterBody, ResetPasswordBody } from '../../../shared/session.js';
export { QaAnswer, QaAsk } from '../../../shared/qa.js';
export { ReasonCode } from '../../../shared/moderation.js';
export { STAFF_ROLES, canHost, canManageStaff, canModerate, canRevealAuthor, isStaff } from '../../../shared/roles.js';
export { LIMITS, cleanText, textLength } from '../../../shared/text.js';
export { isHostOf } from '../../../shared/townhall.js';

/** Top-level field names the schema rejects in `value` (empty when it is valid). */
export function invalidFields(schema: z.ZodType, value: unknown): Set<string> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return new Set();
  return new Set(parsed.error.issues.map((issue) => String(issue.path[0] ?? '')));
}

/** Field names a server error points at, merged into the same shape as `invalidFields`. */
export function serverFields(error: AppError | null): Set<string> {
  return new Set((error?.fields ?? []).map((f) => f.split('.')[0] ?? f));
}
