// People who asked hear back: following a question after its town hall, the notices a follower
// gets when its follow-up or its commitment changes, and e-mail for those who give an address
// for that purpose only. docs/protocol.md, "Following and notices".
import { z } from 'zod';
import type { Ack } from './errors.js';
import type { CloseReason, CommitmentStatus } from './followups.js';
import { Id } from './ids.js';

/** What happened to a followed question. */
export type FollowNoticeKind = 'answered' | 'referred' | 'closed' | 'commitment';

/**
 * One notice in a person's inbox. It names the question by its first words, never its asker,
 * and carries what the public record says (the answer's first words, where it was referred, the
 * reason it was closed, the commitment's new status).
 */
export interface FollowNotice {
  id: Id;
  questionId: Id;
  townHallId: Id;
  /** The first words of the question. */
  excerpt: string;
  kind: FollowNoticeKind;
  /** answered: the answer's first words; referred: to whom; closed: the detail given, if any; commitment: its text. */
  detail: string | null;
  /** closed only. */
  reason: CloseReason | null;
  /** commitment only: the status it moved to, or null when it was just recorded. */
  status: CommitmentStatus | null;
  at: number;
  read: boolean;
}

/** Whether e-mail goes to this follower for this question. */
export type MailState = 'none' | 'pending' | 'confirmed';

/** A question the person follows, as their own notices page lists it. */
export interface Followed {
  questionId: Id;
  townHallId: Id;
  excerpt: string;
  since: number;
  /** Never the address itself: the page only says whether mail will come. */
  mail: MailState;
}

export interface NoticesSnapshot {
  notices: FollowNotice[];
  following: Followed[];
}

/** The languages mail is written in: the one the person used when they gave the address. */
export const MailLocale = z.enum(['en', 'es']);
export type MailLocale = z.infer<typeof MailLocale>;

/** zod's e-mail check (the HTML5-like pattern), within RFC 5321's 254 characters. */
export const EmailAddress = z.string().trim().max(254).pipe(z.email());

export const NoticesFollow = z.strictObject({ questionId: Id });
export const NoticesRead = z.strictObject({ ids: z.array(Id).min(1).max(100) });
export const NoticesGiveEmail = z.strictObject({ questionId: Id, address: EmailAddress, locale: MailLocale });
export const NoticesForgetEmail = z.strictObject({ questionId: Id });
/** The token from a confirmation or unsubscribe link. */
export const MailToken = z.strictObject({ token: z.string().regex(/^[A-Za-z0-9_.-]{16,200}$/, 'not a token') });

export type NoticesFollow = z.input<typeof NoticesFollow>;
export type NoticesRead = z.input<typeof NoticesRead>;
export type NoticesGiveEmail = z.input<typeof NoticesGiveEmail>;
export type NoticesForgetEmail = z.input<typeof NoticesForgetEmail>;
const Empty = z.strictObject({});

/** SMTP as an admin sets it up. The password is write-only: reads say only whether one is set. */
export const MailSettingsBody = z.strictObject({
  host: z.string().trim().max(253).regex(/^[A-Za-z0-9.-]*$/, 'a host name or address'),
  port: z.number().int().min(1).max(65535),
  secure: z.boolean(),
  user: z.string().max(254),
  /** Omitted: keep the stored password; '' clears it. */
  password: z.string().max(1024).optional(),
  from: z.union([z.literal(''), EmailAddress]),
  /** Days an address is kept at most, whatever becomes of its question. */
  retentionDays: z.number().int().min(1).max(365),
});
export type MailSettingsBody = z.input<typeof MailSettingsBody>;
export interface MailSettingsView {
  host: string;
  port: number;
  secure: boolean;
  user: string;
  passwordSet: boolean;
  from: string;
  retentionDays: number;
  /** Where the SMTP settings come from: this form, or the server's environment while the form is empty. */
  source: 'settings' | 'environment' | 'none';
}

export interface NoticesClientEvents {
  'notices:list': (payload: z.input<typeof Empty>, ack: Ack<NoticesSnapshot>) => void;
  'notices:follow': (payload: NoticesFollow, ack: Ack<Followed>) => void;
  'notices:unfollow': (payload: NoticesFollow, ack: Ack<null>) => void;
  'notices:read': (payload: NoticesRead, ack: Ack<number>) => void;
  'notices:give-email': (payload: NoticesGiveEmail, ack: Ack<Followed>) => void;
  'notices:forget-email': (payload: NoticesForgetEmail, ack: Ack<Followed>) => void;
}

export interface NoticesServerEvents {
  /** A notice for this person, to all their tabs. */
  'notices:arrived': (payload: { notice: FollowNotice }) => void;
}
