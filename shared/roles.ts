import { z } from 'zod';

export const Role = z.enum(['resident', 'officer', 'moderator', 'captioner', 'admin']);
export type Role = z.infer<typeof Role>;
export const STAFF_ROLES = ['officer', 'moderator', 'captioner', 'admin'] as const satisfies readonly Role[];
export type StaffRole = (typeof STAFF_ROLES)[number];

export const isStaff = (role: Role): boolean => role !== 'resident';
/**
 * The badge shown with what a person writes: their staff role, or null for residents and guests.
 * Stored with each question, chat message and caption line as it was when written, so a guest
 * can never look like staff in the live views or the record.
 */
export const badgeOf = (role: Role): StaffRole | null =>
  (STAFF_ROLES as readonly Role[]).includes(role) ? (role as StaffRole) : null;
/** Who may approve, reject and remove content. */
export const canModerate = (role: Role): boolean => role === 'moderator' || role === 'admin';
/** Who may schedule town halls and be named their host. */
export const canHost = (role: Role): boolean => role === 'officer' || role === 'admin';
/** Roles that may answer questions and run polls at all; in a given town hall, only its hosts (`isHostOf`). */
export const canAnswer = canHost;
/** Roles that may set a room's slow mode: moderators anywhere, officers in the town halls they host. */
export const canConfigureRoom = (role: Role): boolean => role === 'officer' || role === 'moderator' || role === 'admin';
/** Who sees held questions, why they were held, and pseudonyms of anonymous askers. */
export const canReview = (role: Role): boolean => role === 'officer' || role === 'moderator' || role === 'admin';
export const canManageStaff = (role: Role): boolean => role === 'admin';
/** Who may learn who wrote an anonymous item (with a reason, on the moderation record). */
export const canRevealAuthor = (role: Role): boolean => role === 'admin';
