import { z } from 'zod';

export const Role = z.enum(['resident', 'officer', 'moderator', 'captioner', 'admin']);
export type Role = z.infer<typeof Role>;
export const STAFF_ROLES = ['officer', 'moderator', 'captioner', 'admin'] as const satisfies readonly Role[];
export type StaffRole = (typeof STAFF_ROLES)[number];

export const isStaff = (role: Role): boolean => role !== 'resident';
/** Who may approve, reject and remove content. */
export const canModerate = (role: Role): boolean => role === 'moderator' || role === 'admin';
/** Who may schedule town halls and be named their host. */
export const canHost = (role: Role): boolean => role === 'officer' || role === 'admin';
/** Who may mark questions as being answered and write answers. */
export const canAnswer = canHost;
/** Who may switch a room between pre- and post-moderation. */
export const canConfigureRoom = (role: Role): boolean => role === 'officer' || role === 'moderator' || role === 'admin';
/** Who sees held questions, why they were held, and pseudonyms of anonymous askers. */
export const canReview = (role: Role): boolean => role === 'officer' || role === 'moderator' || role === 'admin';
export const canManageStaff = (role: Role): boolean => role === 'admin';
/** Who may learn who wrote an anonymous item (with a reason, on the moderation record). */
export const canRevealAuthor = (role: Role): boolean => role === 'admin';
