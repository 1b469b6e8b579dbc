// REST contract for identity: join as a guest, sign in, sign out (here or everywhere), who am I,
// staff management (create, disable or enable, reset a password).
import { z } from 'zod';
import { boundedLine, LIMITS } from './text.js';
import { Role, STAFF_ROLES } from './roles.js';
import { Id } from './ids.js';

export const DisplayName = boundedLine(LIMITS.displayName.min, LIMITS.displayName.max);
export const Username = z
  .string()
  .max(LIMITS.username.max)
  .transform((s) => s.trim().toLowerCase())
  .pipe(z.string().regex(/^[a-z0-9][a-z0-9._-]{2,31}$/, 'letters, digits, dot, dash or underscore'));
export const Password = z.string().min(LIMITS.password.min).max(LIMITS.password.max);

/** POST /api/session/guest */
export const GuestJoinBody = z.strictObject({ displayName: DisplayName });
/** POST /api/session/login */
export const LoginBody = z.strictObject({ username: Username, password: z.string().min(1).max(LIMITS.password.max) });
/** POST /api/session/register: a resident account (display name, username, password). */
export const RegisterBody = z.strictObject({ displayName: DisplayName, username: Username, password: Password });
/** POST /api/staff (admin only) */
export const CreateStaffBody = z.strictObject({
  displayName: DisplayName,
  username: Username,
  password: Password,
  role: z.enum(STAFF_ROLES),
});

/** POST /api/staff/:id/password (admin only): the new password the admin chose. */
export const ResetPasswordBody = z.strictObject({ password: Password });

export type GuestJoinBody = z.input<typeof GuestJoinBody>;
export type LoginBody = z.input<typeof LoginBody>;
export type RegisterBody = z.input<typeof RegisterBody>;
export type CreateStaffBody = z.input<typeof CreateStaffBody>;
export type ResetPasswordBody = z.input<typeof ResetPasswordBody>;

/** What the server tells a client about the person it is signed in as. */
export interface Me {
  id: Id;
  kind: 'guest' | 'account';
  role: Role;
  displayName: string;
  username: string | null;
}

export interface StaffMember {
  id: Id;
  role: Role;
  displayName: string;
  username: string;
  createdAt: number;
  /** A disabled account cannot sign in. */
  disabled: boolean;
}
