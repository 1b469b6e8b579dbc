// Pure rules of the public record: how each question ended, the figures, what is published and
// whose names may still be shown. No I/O: the service gathers the inputs.
import { ReasonCode } from '../../shared/moderation.js';
import type {
  AnsweredQuestion,
  ModerationTotal,
  QuestionOutcome,
  ReasonCount,
  RecordPoll,
  RecordQuestion,
  RecordQuestions,
  Settings,
  TownHallRecordView,
  TranscriptLine,
} from '../../shared/record.js';
import type { StaffRole } from '../../shared/roles.js';
import type { TownHall } from '../../shared/townhall.js';
import type { Topic } from '../../shared/topics.js';
import type { AuditEntry } from '../moderation/audit.js';
import { hiddenByFlags } from '../moderation/rules.js';
import type { PublishedPoll } from '../polls/service.js';
import type { QuestionRecord } from '../qa/service.js';

export const DAY_MS = 24 * 3600 * 1000;

/** What a guest's stored name becomes once it is dropped (the client shows its own word for it). */
export const DROPPED_NAME = 'Resident';

/** Only moderators' decisions move a question's outcome: one hidden by flags, unreviewed, keeps its own. */
export function outcomeOf(q: Pick<QuestionRecord, 'status' | 'answerState' | 'decision'>): QuestionOutcome {
  if (q.status === 'held') return 'held';
  if (q.status === 'merged') return 'merged';
  if (q.status !== 'published' && !hiddenByFlags(q)) return 'removed';
  return q.answerState === 'answered' ? 'answered' : 'not-reached';
}

/** The first moment it counted as answered: marked live or answered in writing, whichever came first. */
export function answeredAt(q: Pick<QuestionRecord, 'answeredLiveAt' | 'answer'>): number | null {
  const times = [q.answeredLiveAt, q.answer?.at ?? null].filter((t): t is number => t !== null);
  return times.length ? Math.min(...times) : null;
}

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * When the event ended: its `endedAt`, or for a town hall ended before that was kept, the last
 * thing that happened in it (never earlier than its start).
 */
export function endOf(townHall: Pick<TownHall, 'endedAt' | 'startsAt' | 'createdAt'>, questions: readonly QuestionRecord[] = []): number {
  if (townHall.endedAt !== null && townHall.endedAt !== undefined) return townHall.endedAt;
  const times = questions.flatMap((q) => [q.createdAt, q.answer?.at ?? 0, q.answeredLiveAt ?? 0, q.decision?.at ?? 0]);
  return Math.max(townHall.startsAt, townHall.createdAt, ...times);
}

/** Guests' names stay in the record until this moment, then leave it. */
export const guestNamesUntil = (endedAt: number, settings: Pick<Settings, 'guestNameRetentionDays'>): number =>
  endedAt + settings.guestNameRetentionDays * DAY_MS;

/** Whose name to leave out: decided by the caller (it knows who is a guest). */
export type DropName = (authorId: string) => boolean;

/** The department's topics by id (a retired one still names the questions that carry it). */
export type TopicNames = ReadonlyMap<string, Pick<Topic, 'id' | 'name'>>;
const NO_TOPICS: TopicNames = new Map();

function listed(q: QuestionRecord, dropName: DropName, topics: TopicNames): RecordQuestion {
  const dropped = !q.anonymous && (dropName(q.authorId) || q.authorName === DROPPED_NAME);
  const underReview = hiddenByFlags(q);
  return {
    id: q.id,
    text: underReview ? null : q.text,
    underReview,
    askedAt: q.createdAt,
    votes: q.votes,
    anonymous: q.anonymous,
    authorName: q.anonymous || dropped ? null : q.authorName,
    authorRole: q.authorRole,
    nameDropped: dropped,
    topic: topicOf(q, topics),
    mergedCount: q.mergedCount,
    alsoAskedBy: q.alsoAskedBy,
  };
}

function topicOf(q: QuestionRecord, topics: TopicNames): RecordQuestion['topic'] {
  const topic = q.topicId ? topics.get(q.topicId) : undefined;
  return topic ? { id: topic.id, name: { en: topic.name.en, es: topic.name.es } } : null;
}

/** Moderators name a reason for every removal; a missing one (older data) counts as `other`. */
const reasonOf = (q: QuestionRecord): ReasonCode => ReasonCode.safeParse(q.decision?.reason).data ?? 'other';

/**
 * Every question received, by outcome. Removed, rejected and hidden questions are only counted
 * by reason, and held ones only counted: neither their text nor their author leaves this function.
 */
export function recordQuestions(questions: readonly QuestionRecord[], dropName: DropName, topics: TopicNames = NO_TOPICS): RecordQuestions {
  const answered: AnsweredQuestion[] = [];
  const notReached: RecordQuestion[] = [];
  const removed = new Map<ReasonCode, number>();
  let held = 0;
  let merged = 0;
  for (const q of questions) {
    const outcome = outcomeOf(q);
    if (outcome === 'answered') {
      const at = answeredAt(q);
      answered.push({
        ...listed(q, dropName, topics),
        answer: q.answer ? { text: q.answer.text, byName: q.answer.byName, at: q.answer.at } : null,
        // An answer marked before live times were kept has neither: it was answered on stage.
        answeredLive: q.answeredLiveAt !== null || q.answer === null,
        answeredAt: at,
        timeToAnswerMs: at === null ? null : Math.max(0, at - q.createdAt),
      });
    } else if (outcome === 'not-reached') notReached.push(listed(q, dropName, topics));
    else if (outcome === 'removed') removed.set(reasonOf(q), (removed.get(reasonOf(q)) ?? 0) + 1);
    else if (outcome === 'merged') merged++;
    else held++;
  }
  // Ids break the last ties, so the page and both exports always list in one order.
  const byId = (a: RecordQuestion, b: RecordQuestion) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  answered.sort((a, b) => (a.answeredAt ?? Infinity) - (b.answeredAt ?? Infinity) || a.askedAt - b.askedAt || byId(a, b));
  notReached.sort((a, b) => b.votes - a.votes || a.askedAt - b.askedAt || byId(a, b));
  const removedByReason: ReasonCount[] = ReasonCode.options.flatMap((reason) => {
    const count = removed.get(reason) ?? 0;
    return count ? [{ reason, count }] : [];
  });
  const removedCount = removedByReason.reduce((sum, r) => sum + r.count, 0);
  const times = answered.flatMap((q) => (q.timeToAnswerMs === null ? [] : [q.timeToAnswerMs]));
  return {
    summary: {
      received: questions.length,
      answered: answered.length,
      answeredInWriting: answered.filter((q) => q.answer !== null).length,
      answeredLive: answered.filter((q) => q.answeredLive).length,
      notReached: notReached.length,
      removed: removedCount,
      heldNeverReviewed: held,
      merged,
      // Duplicates merged away would otherwise count against the share as questions not answered.
      answeredShare: questions.length > merged ? answered.length / (questions.length - merged) : null,
      medianTimeToAnswerMs: median(times),
    },
    answered,
    notReached,
    removedByReason,
  };
}

export const recordPoll = ({ poll, results }: PublishedPoll): RecordPoll => ({
  id: poll.id,
  kind: poll.kind,
  question: poll.question,
  options: poll.options.map(({ id, label }) => ({ id, label })),
  maxChoices: poll.maxChoices,
  scale: poll.scale,
  visibility: poll.visibility === 'staff' ? 'on-close' : poll.visibility,
  openedAt: poll.openedAt,
  closedAt: poll.closedAt,
  results,
});

// ---- moderation totals -------------------------------------------------------------------------

/** A content reference in an audit target ('question:<id>'), or null for users, filters, places. */
export function contentTarget(target: string): { kind: string; id: string } | null {
  const match = /^(question|post|answer|chat):([A-Za-z0-9_-]+)$/.exec(target);
  return match ? { kind: match[1]!, id: match[2]! } : null;
}

/** Whether an entry that is not about content concerns this town hall: its room settings, or a sanction limited to it. */
export function isAboutPlace(entry: Pick<AuditEntry, 'action' | 'target' | 'note'>, place: string): boolean {
  if (entry.target === place) return true;
  return (entry.action === 'timeout' || entry.action === 'ban') && (entry.note === place || (entry.note ?? '').startsWith(`${place},`) || (entry.note ?? '').startsWith(`${place}:`));
}

/**
 * Entries on the moderation record that are no moderator's decision, so never in the totals:
 * flags taking an item down pending review, an admin revealing an anonymous author, and
 * duplicates merged (the questions section shows those, on the question they were merged into).
 */
const NOT_DECISIONS = new Set(['flag-hide', 'reveal', 'merge', 'unmerge']);

/** Counts moderators' decisions by action and reason; who acted and on whom never leaves this function. */
export function moderationTotals(entries: readonly Pick<AuditEntry, 'action' | 'reason'>[]): ModerationTotal[] {
  const counts = new Map<string, ModerationTotal>();
  for (const { action, reason } of entries) {
    if (NOT_DECISIONS.has(action)) continue;
    const key = JSON.stringify([action, reason]);
    const total = counts.get(key) ?? { action, reason, count: 0 };
    total.count++;
    counts.set(key, total);
  }
  return [...counts.values()].sort((a, b) => a.action.localeCompare(b.action) || (a.reason ?? '').localeCompare(b.reason ?? ''));
}

// ---- the whole record ----------------------------------------------------------------------------

/** A transcript line as the chat gives it; only staff names outlive the retention period. */
export interface ChatLine {
  at: number;
  authorName: string;
  authorRole: StaffRole | null;
  text: string;
}

/** A caption line as the captions give it: whoever typed it stays unnamed, only their role shows. */
export interface CaptionLine {
  at: number;
  authorRole: StaffRole | null;
  text: string;
}

export interface RecordInputs {
  townHall: TownHall;
  settings: Settings;
  now: number;
  endedAt: number;
  /** Each null when its section is not published. */
  questions: QuestionRecord[] | null;
  /** Whose names go once the retention period is over (guests'). */
  dropName: DropName;
  /** The department's topics, to name the questions' topics (none: no topic shown). */
  topics?: TopicNames;
  polls: PublishedPoll[] | null;
  chat: ChatLine[] | null;
  captions: CaptionLine[] | null;
  moderation: Pick<AuditEntry, 'action' | 'reason'>[] | null;
}

export function buildRecord(input: RecordInputs): TownHallRecordView {
  const { townHall, settings } = input;
  const until = guestNamesUntil(input.endedAt, settings);
  const namesGone = input.now >= until;
  const on = settings.publish;
  const chat = (lines: ChatLine[]): TranscriptLine[] =>
    // The chat does not say which residents are guests, so past retention every resident's name goes.
    lines.map((l) => ({ at: l.at, name: namesGone && l.authorRole === null ? null : l.authorName, authorRole: l.authorRole, text: l.text }));
  return {
    townHall: {
      id: townHall.id,
      title: townHall.title,
      description: townHall.description,
      startsAt: townHall.startsAt,
      startedAt: townHall.startedAt ?? null,
      endedAt: input.endedAt,
      hosts: (townHall.hosts ?? []).map((h) => h.displayName),
    },
    generatedAt: input.now,
    guestNamesUntil: until,
    questions: on.questions && input.questions ? recordQuestions(input.questions, namesGone ? input.dropName : () => false, input.topics) : null,
    polls: on.polls && input.polls ? input.polls.map(recordPoll) : null,
    chat: on.chat && input.chat ? chat(input.chat) : null,
    captions: on.captions && input.captions ? input.captions.map((c) => ({ at: c.at, name: null, authorRole: c.authorRole, text: c.text })) : null,
    moderation: on.moderation && input.moderation ? moderationTotals(input.moderation) : null,
  };
}
