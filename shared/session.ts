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

/**
 * A proof-of-work challenge (ALTCHA, v2): the server signs it; the browser searches for the
 * counter whose derived key starts with `keyPrefix`. Its cost rises with the number of
 * identities the network made lately.
 */
export const IdentityChallenge = z.strictObject({
  parameters: z.looseObject({
    algorithm: z.string().max(32),
    nonce: z.string().max(128),
    salt: z.string().max(128),
    cost: z.number().int().positive(),
    keyLength: z.number().int().positive().max(64),
    keyPrefix: z.string().max(128),
  }),
  signature: z.string().max(256).optional(),
});
export type IdentityChallenge = z.infer<typeof IdentityChallenge>;
/** A solved challenge, sent with the request that asked for it. */
export const IdentityProof = z.strictObject({
  challenge: IdentityChallenge,
  solution: z.strictObject({ counter: z.number().int().min(0), derivedKey: z.string().max(256) }),
});
export type IdentityProof = z.infer<typeof IdentityProof>;
/** The code a host shows in the hall (or its link), which lets the people there in without the per-network limits. */
export const HallCode = z.string().trim().toUpperCase().regex(/^[A-Z0-9]{6}$/, 'six letters or digits');
export const HallPass = z.strictObject({ townHallId: Id, code: HallCode });

/** POST /api/session/guest */
export const GuestJoinBody = z.strictObject({
  displayName: DisplayName,
  proof: IdentityProof.optional(),
  /** Joining from the hall's code or link: no challenge, and admitted to that town hall. */
  hall: HallPass.optional(),
});
/** POST /api/session/login */
export const LoginBody = z.strictObject({ username: Username, password: z.string().min(1).max(LIMITS.password.max) });
/** POST /api/session/register: a resident account (display name, username, password). */
export const RegisterBody = z.strictObject({
  displayName: DisplayName,
  username: Username,
  password: Password,
  proof: IdentityProof.optional(),
});
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
  /** The department's unit the account belongs to (GET /api/units), set by an admin; null for none. */
  unitId: Id | null;
}
