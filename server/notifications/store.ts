import type { FollowNotice } from '../../shared/notices.js';
import type { MailLocale } from '../../shared/notices.js';

/** A person following a question: their session identity (guest or account), never shown to anyone. */
export interface Follow {
  questionId: string;
  personId: string;
  townHallId: string;
  /** The question's first words, so the person's own list can name it. */
  excerpt: string;
  since: number;
}

export type NewNotice = Omit<FollowNotice, 'id' | 'read'> & { personId: string };

/**
 * An e-mail address given to hear about one followed question. Kept apart from everything else
 * (its own table, its own keys), read only to send that question's mail.
 */
export interface MailAddress {
  id: string;
  personId: string;
  questionId: string;
  address: string;
  locale: MailLocale;
  createdAt: number;
  /** The SHA-256 of the confirmation link's token; the token itself is only ever in the mail. */
  confirmHash: string;
  confirmExpiresAt: number;
  confirmedAt: number | null;
}

export type ConfirmOutcome = { ok: true; address: MailAddress } | { ok: false; why: 'unknown' | 'used' | 'expired' };

/** SMTP and retention as an admin set them; null fields fall back to the environment. */
export interface StoredMailSettings {
  host: string;
  port: number;
  secure: boolean;
  user: string;
  password: string;
  from: string;
  retentionDays: number;
}

/**
 * Follows, the notices they bring, and the addresses given for mail.
 *
 * Invariants (tests/stores/notifications.contract.ts runs them on both implementations):
 * - one follow per person per question: `follow` twice keeps the first and answers false;
 *   `unfollow` without a follow changes nothing and answers false;
 * - unfollowing also forgets that person's address for that question;
 * - a person has at most one address per question: giving another replaces it, unconfirmed;
 * - `confirm` succeeds once per token (compare-and-set, from any node): a second use answers
 *   'used', a token past its expiry 'expired' (and confirms nothing), an unknown one 'unknown';
 * - `markRead` changes only that person's notices;
 * - every method resolves only after its write is stored.
 */
export interface NotificationStore {
  follow(follow: Follow): Promise<boolean>;
  unfollow(questionId: string, personId: string): Promise<boolean>;
  isFollowing(questionId: string, personId: string): Promise<boolean>;
  /** The people following a question (order unspecified). */
  followers(questionId: string): Promise<string[]>;
  /** What a person follows, newest first. */
  followedBy(personId: string): Promise<Follow[]>;

  addNotice(notice: NewNotice): Promise<FollowNotice>;
  /** A person's notices, newest first (ties by id). */
  noticesFor(personId: string, limit: number): Promise<FollowNotice[]>;
  /** Marks these of the person's notices read; resolves to how many changed. */
  markRead(personId: string, ids: string[]): Promise<number>;

  /** Stores the address for (person, question), replacing any before it. */
  putAddress(address: MailAddress): Promise<void>;
  addressFor(personId: string, questionId: string): Promise<MailAddress | null>;
  addressById(id: string): Promise<MailAddress | null>;
  /** The confirmed addresses for a question's mail. */
  confirmedAddresses(questionId: string): Promise<MailAddress[]>;
  confirm(confirmHash: string, now: number): Promise<ConfirmOutcome>;
  /** Resolves to whether it was there. */
  deleteAddress(id: string): Promise<boolean>;
  /** Every address given for the question (its follow-up reached a final status); resolves to how many. */
  deleteAddressesFor(questionId: string): Promise<number>;
  /** Every address given before `createdBefore` (the retention period); resolves to how many. */
  deleteAddressesBefore(createdBefore: number): Promise<number>;

  mailSettings(): Promise<StoredMailSettings | null>;
  putMailSettings(settings: StoredMailSettings): Promise<void>;
}

/** How many notices a person keeps and is sent at once. */
export const NOTICES_KEPT = 100;
