// People who asked hear back. A person follows a question (its asker by default, anyone who
// upvoted it if they choose); when its follow-up is answered, referred or closed, or its
// commitment changes, each follower gets a notice in their inbox (live to their open tabs), and
// those who gave an address for it get the same by mail. The follow-up queue and commitments
// are other features: they tell this one through onFollowUpChange / onCommitmentChange.
import type { CommitmentChange, FollowUpChange } from '../../shared/followups.js';
import { CommandError, ErrorCode } from '../../shared/errors.js';
import type { Followed, FollowNotice, MailLocale, NoticesSnapshot } from '../../shared/notices.js';
import type { QuestionStatus } from '../../shared/qa.js';
import { newId } from '../core/ids.js';
import type { Logger } from '../core/log.js';
import type { SessionUser } from '../core/types.js';
import { MailUnavailable, mailFailure, type Mailer } from './mail.js';
import { confirmationMail, noticeMail } from './mail-texts.js';
import type { NewNotice, NotificationStore } from './store.js';
import { CONFIRM_TTL_MS, hashToken, newConfirmToken, readUnsubscribeToken, unsubscribeToken } from './tokens.js';

/** What this feature needs to know of a question (Q&A's exported reader gives it). */
export interface FollowableQuestion {
  id: string;
  townHallId: string;
  authorId: string;
  text: string;
  status: QuestionStatus;
}
export interface QuestionLookup {
  get(id: string): Promise<FollowableQuestion | null>;
  hasVoted(question: Pick<FollowableQuestion, 'id' | 'townHallId'>, personId: string): Promise<boolean>;
}

export interface NotificationDeps {
  store: NotificationStore;
  questions: QuestionLookup;
  mailer: Mailer;
  /** Signs unsubscribe links. */
  secret: string;
  /** The public address links in mail start with (no trailing slash). */
  baseUrl: () => string;
  /** Tells a person's open tabs (RoomPublisher.publishToPerson, or the personal Socket.IO room). */
  toPerson: (personId: string, notice: FollowNotice) => void;
  now?: () => number;
  log: Logger;
}

export interface NotificationService {
  /** Q&A's "asked" event: the asker follows their own question. */
  asked(question: FollowableQuestion): Promise<void>;
  /**
   * Q&A's "merged" event: whoever followed a merged question (its asker first of all) follows the
   * question it was merged into, whose follow-up now answers theirs. Their addresses stay with
   * the question they gave them for, and go when it ends or their retention does.
   */
  merged(target: FollowableQuestion, merged: { id: string }[]): Promise<void>;
  follow(user: SessionUser, questionId: string): Promise<Followed>;
  unfollow(user: SessionUser, questionId: string): Promise<void>;
  snapshot(user: SessionUser): Promise<NoticesSnapshot>;
  markRead(user: SessionUser, ids: string[]): Promise<number>;
  giveEmail(user: SessionUser, input: { questionId: string; address: string; locale: MailLocale }): Promise<Followed>;
  forgetEmail(user: SessionUser, questionId: string): Promise<Followed>;
  /** A confirmation link was followed. */
  confirm(token: string): Promise<void>;
  /** An unsubscribe link (one-click or the page): resolves to whether an address was deleted. */
  unsubscribe(token: string): Promise<boolean>;
  onFollowUpChange(change: FollowUpChange): Promise<void>;
  onCommitmentChange(change: CommitmentChange): Promise<void>;
  /** Deletes the addresses older than the retention period; resolves to how many. */
  purgeExpired(): Promise<number>;
}

const EXCERPT = 80;
const DETAIL = 280;
const clip = (s: string, n: number) => ([...s].length <= n ? s : `${[...s].slice(0, n - 1).join('')}…`);
/** Where a question may be followed from: published (live or after its town hall). */
const FOLLOWABLE: readonly QuestionStatus[] = ['published'];

export function createNotificationService(deps: NotificationDeps): NotificationService {
  const { store, questions, mailer, log } = deps;
  const now = deps.now ?? Date.now;
  const notFound = () => new CommandError(ErrorCode.NOT_FOUND, 'No such question.');

  async function followedView(personId: string, questionId: string): Promise<Followed> {
    const [follows, address] = await Promise.all([store.followedBy(personId), store.addressFor(personId, questionId)]);
    const f = follows.find((x) => x.questionId === questionId);
    if (!f) throw new CommandError(ErrorCode.CONFLICT, 'Follow the question first.');
    return { questionId, townHallId: f.townHallId, excerpt: f.excerpt, since: f.since, mail: mailState(address) };
  }
  const mailState = (a: { confirmedAt: number | null } | null): Followed['mail'] => (!a ? 'none' : a.confirmedAt === null ? 'pending' : 'confirmed');
  const links = (token: string) => ({
    unsubscribe: `${deps.baseUrl()}/api/mail/unsubscribe?token=${encodeURIComponent(token)}`,
    unsubscribePage: `${deps.baseUrl()}/mail/unsubscribe?token=${encodeURIComponent(token)}`,
  });

  /** One notice to every follower of the question, and one mail to each confirmed address. */
  async function tell(questionId: string, townHallId: string, excerpt: string, what: Omit<NewNotice, 'personId' | 'questionId' | 'townHallId' | 'excerpt' | 'at'>, final: boolean) {
    const at = now();
    const followers = await store.followers(questionId);
    for (const personId of followers) {
      const notice = await store.addNotice({ ...what, personId, questionId, townHallId, excerpt, at });
      deps.toPerson(personId, notice);
    }
    const addresses = await store.confirmedAddresses(questionId);
    let failed = 0;
    for (const a of addresses) {
      const token = unsubscribeToken(deps.secret, a.id);
      const url = links(token);
      const mail = noticeMail(a.locale, { ...what, excerpt }, { page: `${deps.baseUrl()}/notices`, unsubscribe: url.unsubscribePage }, final);
      try {
        await mailer.send({ to: a.address, ...mail, unsubscribeUrl: url.unsubscribe });
      } catch (err) {
        failed++;
        log.warn({ question: questionId, ...mailFailure(err) }, 'a follow-up mail could not be sent');
      }
    }
    // A final status ends what the address was given for: it goes, whether or not its mail went.
    const deleted = final ? await store.deleteAddressesFor(questionId) : 0;
    log.info({ question: questionId, kind: what.kind, followers: followers.length, mailed: addresses.length - failed, failed, deleted }, 'followers told');
  }

  return {
    async asked(q) {
      if (q.status !== 'published' && q.status !== 'held') return;
      await store.follow({ questionId: q.id, personId: q.authorId, townHallId: q.townHallId, excerpt: clip(q.text, EXCERPT), since: now() });
    },

    async merged(target, merged) {
      const people = new Set((await Promise.all(merged.map((q) => store.followers(q.id)))).flat());
      for (const personId of people) {
        await store.follow({ questionId: target.id, personId, townHallId: target.townHallId, excerpt: clip(target.text, EXCERPT), since: now() });
      }
    },

    async follow(user, questionId) {
      const q = await questions.get(questionId);
      if (!q || q.status === 'removed' || q.status === 'rejected') throw notFound();
      if (!FOLLOWABLE.includes(q.status)) throw new CommandError(ErrorCode.CONFLICT, 'Only a published question can be followed.');
      if (q.authorId !== user.id && !(await questions.hasVoted(q, user.id))) {
        throw new CommandError(ErrorCode.FORBIDDEN, 'Only its asker and the people who upvoted it can follow a question.');
      }
      await store.follow({ questionId: q.id, personId: user.id, townHallId: q.townHallId, excerpt: clip(q.text, EXCERPT), since: now() });
      return followedView(user.id, q.id);
    },

    async unfollow(user, questionId) {
      await store.unfollow(questionId, user.id);
    },

    async snapshot(user) {
      const [notices, follows] = await Promise.all([store.noticesFor(user.id, 50), store.followedBy(user.id)]);
      const addresses = await Promise.all(follows.map((f) => store.addressFor(user.id, f.questionId)));
      return {
        notices,
        following: follows.map((f, i) => ({ questionId: f.questionId, townHallId: f.townHallId, excerpt: f.excerpt, since: f.since, mail: mailState(addresses[i] ?? null) })),
      };
    },

    markRead: (user, ids) => store.markRead(user.id, ids),

    async giveEmail(user, { questionId, address, locale }) {
      if (!(await store.isFollowing(questionId, user.id))) throw new CommandError(ErrorCode.CONFLICT, 'Follow the question first.');
      if (!(await mailer.configured())) throw new CommandError(ErrorCode.UNAVAILABLE, 'The department has not set up e-mail.');
      const { excerpt } = await followedView(user.id, questionId);
      const { token, hash } = newConfirmToken();
      const id = newId();
      const at = now();
      await store.putAddress({ id, personId: user.id, questionId, address, locale, createdAt: at, confirmHash: hash, confirmExpiresAt: at + CONFIRM_TTL_MS, confirmedAt: null });
      const url = links(unsubscribeToken(deps.secret, id));
      const confirm = `${deps.baseUrl()}/mail/confirm?token=${encodeURIComponent(token)}`;
      try {
        await mailer.send({ to: address, ...confirmationMail(locale, excerpt, { confirm, unsubscribe: url.unsubscribePage }, CONFIRM_TTL_MS / 3600_000), unsubscribeUrl: url.unsubscribe });
      } catch (err) {
        // Nothing is kept for an address we could not write to.
        await store.deleteAddress(id);
        if (err instanceof MailUnavailable) throw new CommandError(ErrorCode.UNAVAILABLE, 'The department has not set up e-mail.');
        log.warn({ question: questionId, ...mailFailure(err) }, 'a confirmation mail could not be sent');
        throw new CommandError(ErrorCode.UNAVAILABLE, 'The confirmation could not be sent; try again later.');
      }
      log.info({ question: questionId }, 'mail address given, confirmation sent');
      return followedView(user.id, questionId);
    },

    async forgetEmail(user, questionId) {
      const a = await store.addressFor(user.id, questionId);
      if (a) await store.deleteAddress(a.id);
      return followedView(user.id, questionId);
    },

    async confirm(token) {
      const outcome = await store.confirm(hashToken(token), now());
      if (outcome.ok) {
        log.info({ question: outcome.address.questionId }, 'mail address confirmed');
        return;
      }
      if (outcome.why === 'unknown') throw new CommandError(ErrorCode.NOT_FOUND, 'This link is not valid, or its address was deleted.');
      if (outcome.why === 'used') throw new CommandError(ErrorCode.CONFLICT, 'This link was already used.', { reason: 'LINK_USED' });
      throw new CommandError(ErrorCode.CONFLICT, 'This link has expired: give your address again.', { reason: 'LINK_EXPIRED' });
    },

    async unsubscribe(token) {
      const id = readUnsubscribeToken(deps.secret, token);
      if (!id) throw new CommandError(ErrorCode.INVALID_PAYLOAD, 'This link is not valid.', { fields: ['token'] });
      const deleted = await store.deleteAddress(id);
      if (deleted) log.info('mail address deleted on unsubscribe');
      return deleted;
    },

    async onFollowUpChange({ followUp, event }) {
      const excerpt = clip(followUp.questionText, EXCERPT);
      const base = { questionId: followUp.questionId, townHallId: followUp.townHallId };
      if (event.kind === 'answered' && followUp.answer) {
        await tell(base.questionId, base.townHallId, excerpt, { kind: 'answered', detail: clip(followUp.answer.text, DETAIL), reason: null, status: null }, true);
      } else if (event.kind === 'referred' && followUp.referral) {
        await tell(base.questionId, base.townHallId, excerpt, { kind: 'referred', detail: clip(followUp.referral.to, DETAIL), reason: null, status: null }, true);
      } else if (event.kind === 'closed' && followUp.closure) {
        const c = followUp.closure;
        await tell(base.questionId, base.townHallId, excerpt, { kind: 'closed', detail: c.detail ? clip(c.detail, DETAIL) : null, reason: c.reason, status: null }, true);
      }
      // 'entered' and 'assigned' are the department's own work: nobody is told.
    },

    async onCommitmentChange({ commitment, update }) {
      const status = update === 'created' ? null : update.status;
      // A note that moves no status is on the public page; followers hear of new commitments and new statuses.
      if (update !== 'created' && status === null) return;
      for (const questionId of commitment.questionIds) {
        const q = await questions.get(questionId);
        if (!q) continue;
        await tell(q.id, q.townHallId, clip(q.text, EXCERPT), { kind: 'commitment', detail: clip(commitment.text, DETAIL), reason: null, status }, false);
      }
    },

    async purgeExpired() {
      const days = await mailer.retentionDays();
      const deleted = await store.deleteAddressesBefore(now() - days * 86_400_000);
      if (deleted) log.info({ deleted, days }, 'mail addresses past their retention deleted');
      return deleted;
    },
  };
}
