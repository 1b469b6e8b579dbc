// After the town hall (docs/architecture.md): the follow-up queue, the department's commitments,
// the followers' notices and mail, and the accountability figures and feeds. Composed here, apart
// from the live features in app.ts, because they are wired to one another: a follow-up or a
// commitment that changes tells its followers and makes the figures and feeds be built again.
import type { FollowNotice } from '../shared/notices.js';
import { createAccountabilityService, type AccountabilityService } from './accountability/service.js';
import { createCommitmentService, type CommitmentService } from './commitments/service.js';
import type { Logger } from './core/log.js';
import { createFollowUpService, type FollowUpService } from './followups/service.js';
import type { IdentityService } from './identity/service.js';
import { createMailer, type Mailer, type SmtpSettings } from './notifications/mail.js';
import { createNotificationService, type NotificationService } from './notifications/service.js';
import { createQuestionEvents, type QuestionEvents, type QuestionReader } from './qa/service.js';
import type { TopicService } from './settings/topics.js';
import type { UnitService } from './settings/units.js';
import type { Stores } from './stores.js';
import type { TownHallService } from './townhall/service.js';

export interface FollowThroughDeps {
  stores: Stores;
  log: Logger;
  townHalls: TownHallService;
  identity: IdentityService;
  topics: TopicService;
  units: UnitService;
  questions: QuestionReader;
  now: () => number;
  /** Signs the links in mail. */
  secret: string;
  /** The department's IANA time zone (UTC when absent): due days and the figures' months. */
  timeZone?: string;
  /** SMTP from the environment, used while the admin's mail settings name no host. */
  smtp: SmtpSettings | null;
  /** Where links in mail point. */
  baseUrl: () => string;
  /** Delivers a notice live to a person's connections, on every node. */
  toPerson: (personId: string, notice: FollowNotice) => void;
}

export interface FollowThrough {
  followUps: FollowUpService;
  commitments: CommitmentService;
  notices: NotificationService;
  mailer: Mailer;
  accountability: AccountabilityService;
  /** Q&A tells it of each question asked (the asker follows it). */
  questionEvents: QuestionEvents & ReturnType<typeof createQuestionEvents>;
  /** Stops the timers and the mail connection. */
  close(): void;
}

/** Mail addresses past their retention are deleted this often. */
const ADDRESS_PURGE_MS = 3600_000;

export function composeFollowThrough(deps: FollowThroughDeps): FollowThrough {
  const { stores, log, townHalls, identity, units, questions, now } = deps;
  const staffMember = async (id: string) => (await identity.listStaff()).find((s) => s.id === id) ?? null;

  const followUps = createFollowUpService({
    store: stores.followUps,
    townHalls,
    questions,
    staff: { get: staffMember },
    units,
    deadlineDays: async () => (await stores.settings.get()).followUpDeadlineDays,
    now,
    log: log.child({ feature: 'followups' }),
  });
  // Town halls that ended while no node could enter their questions (a crash between the two).
  followUps.catchUp().catch((err: unknown) => log.error({ err }, 'follow-ups of ended town halls not caught up'));

  const commitments = createCommitmentService({
    store: stores.commitments,
    townHalls,
    questions,
    units,
    // Staff lists are dozens long, and this is asked only when an officer who is neither the
    // recorder nor a host updates a commitment.
    unitOf: async (userId) => (await staffMember(userId))?.unitId ?? null,
    log,
    now,
    ...(deps.timeZone ? { timeZone: deps.timeZone } : {}),
  });

  const mailer = createMailer(() => stores.notifications.mailSettings(), deps.smtp, log.child({ module: 'mail' }));
  const notices = createNotificationService({
    store: stores.notifications,
    questions,
    mailer,
    secret: deps.secret,
    baseUrl: deps.baseUrl,
    toPerson: deps.toPerson,
    now,
    log,
  });
  // Followers hear of what the department did, on the node where it was stored (the notice
  // reaches the person's other nodes through the adapter); an officer's request never waits on SMTP.
  followUps.onChange((change) => void notices.onFollowUpChange(change).catch((err: unknown) => log.warn({ err }, 'followers could not be told of a follow-up')));
  commitments.onChange((change) => void notices.onCommitmentChange(change).catch((err: unknown) => log.warn({ err }, 'followers could not be told of a commitment')));
  const questionEvents = createQuestionEvents((err) => log.warn({ err }, 'a question listener failed'));
  questionEvents.onAsked((q) => notices.asked(q));
  questionEvents.onMerged((target, merged) => notices.merged(target, merged));
  const purgeAddresses = () => void notices.purgeExpired().catch((err: unknown) => log.warn({ err }, 'mail addresses could not be purged'));
  purgeAddresses();
  const addressPurge = setInterval(purgeAddresses, ADDRESS_PURGE_MS);
  addressPurge.unref();

  const accountability = createAccountabilityService({
    townHalls,
    questions,
    followUps: { listAll: () => followUps.listPublic() },
    commitments: { listAll: async () => (await commitments.list()).commitments },
    topics: deps.topics,
    timeZone: deps.timeZone ?? 'UTC',
    now,
  });
  // The figures and feeds are built again on their next read after any change here.
  followUps.onChange(() => accountability.forget());
  commitments.onChange(() => accountability.forget());

  return {
    followUps,
    commitments,
    notices,
    mailer,
    accountability,
    questionEvents,
    close() {
      clearInterval(addressPurge);
      mailer.close();
    },
  };
}
