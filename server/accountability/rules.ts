// Pure rules of the accountability page: the figures for a period, from the stored town halls,
// questions, follow-ups and commitments. No I/O: service.ts gathers the inputs. Definitions are
// in docs/public-api.md; the record's rules decide how a question ended live, so the record and
// this page never disagree about one.
import {
  ACCOUNTABILITY_API_VERSION,
  BACKLOG_BUCKETS,
  monthsOf,
  type AccountabilityReport,
  type Figures,
  type Month,
  type Period,
  type TopicRef,
} from '../../shared/accountability.js';
import type { CommitmentView, FollowUpView } from '../../shared/followups.js';
import type { TownHall } from '../../shared/townhall.js';
import type { QuestionRecord } from '../qa/service.js';
import { answeredAt, DAY_MS, median, outcomeOf } from '../record/rules.js';

export type AccountabilityQuestion = Pick<
  QuestionRecord,
  'id' | 'townHallId' | 'createdAt' | 'status' | 'answerState' | 'answer' | 'answeredLiveAt' | 'decision' | 'topicId'
>;

export interface AccountabilityInput {
  period: Period;
  /** IANA name; months and due days are read in it. */
  timeZone: string;
  now: number;
  townHalls: readonly Pick<TownHall, 'id' | 'status' | 'startsAt' | 'startedAt'>[];
  /** The questions of (at least) the period's town halls; others are ignored. */
  questions: readonly AccountabilityQuestion[];
  followUps: readonly Pick<FollowUpView, 'questionId' | 'status' | 'enteredAt' | 'dueAt' | 'answer'>[];
  commitments: readonly Pick<CommitmentView, 'createdAt' | 'topicIds' | 'status' | 'dueDate' | 'doneAt'>[];
  /** The department's topics in its order (retired ones included: old questions keep them). */
  topics: readonly TopicRef[];
}

const dayFormats = new Map<string, Intl.DateTimeFormat>();

/** The day of a moment in a time zone, YYYY-MM-DD. */
export function dayIn(at: number, timeZone: string): string {
  let format = dayFormats.get(timeZone);
  if (!format) {
    // en-CA writes dates as YYYY-MM-DD.
    format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    dayFormats.set(timeZone, format);
  }
  return format.format(at);
}

export const monthIn = (at: number, timeZone: string): Month => dayIn(at, timeZone).slice(0, 7);

/** Whether a time zone name is one this runtime knows. */
export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** When a town hall was held: when it went live, or (never started) when it was scheduled. */
export const heldAt = (t: Pick<TownHall, 'startsAt' | 'startedAt'>): number => t.startedAt ?? t.startsAt;

/** A running tally that becomes one Figures. */
class Tally {
  received = 0;
  answeredLive = 0;
  answeredAfter = 0;
  open = 0;
  referred = 0;
  closed = 0;
  noFollowUp = 0;
  removed = 0;
  held = 0;
  merged = 0;
  liveTimes: number[] = [];
  afterTimes: number[] = [];
  backlogOverdue = 0;
  backlogAges: number[] = BACKLOG_BUCKETS.map(() => 0);
  commitments = { total: 0, planned: 0, inProgress: 0, done: 0, dropped: 0, overdue: 0, doneOnTime: 0, doneLate: 0 };

  figures(): Figures {
    const notAnswered = this.open + this.referred + this.closed + this.noFollowUp;
    const answered = this.answeredLive + this.answeredAfter;
    const c = this.commitments;
    const known = c.done + c.dropped + c.overdue;
    return {
      questions: {
        received: this.received,
        answeredLive: this.answeredLive,
        answeredAfter: this.answeredAfter,
        notAnswered: { open: this.open, referred: this.referred, closed: this.closed, noFollowUp: this.noFollowUp, total: notAnswered },
        removed: this.removed,
        heldNeverReviewed: this.held,
        merged: this.merged,
        answeredShare: answered + notAnswered > 0 ? answered / (answered + notAnswered) : null,
        medianLiveMs: median(this.liveTimes),
        medianAfterMs: median(this.afterTimes),
      },
      backlog: {
        open: this.open,
        overdue: this.backlogOverdue,
        byAge: BACKLOG_BUCKETS.map((b, i) => ({ minDays: b.minDays, maxDays: b.maxDays, count: this.backlogAges[i]! })),
      },
      commitments: { ...c, onTimeShare: known > 0 ? c.doneOnTime / known : null },
    };
  }
}

/** The bucket of a follow-up open for `days` whole days. */
export const bucketOf = (days: number): number => BACKLOG_BUCKETS.findIndex((b) => days >= b.minDays && (b.maxDays === null || days <= b.maxDays));

type FollowUp = AccountabilityInput['followUps'][number];

function countQuestion(t: Tally, q: AccountabilityQuestion, followUp: FollowUp | undefined, now: number): void {
  t.received++;
  const outcome = outcomeOf(q);
  if (outcome === 'answered') {
    t.answeredLive++;
    const at = answeredAt(q);
    if (at !== null) t.liveTimes.push(Math.max(0, at - q.createdAt));
  } else if (outcome === 'removed') t.removed++;
  else if (outcome === 'held') t.held++;
  else if (outcome === 'merged') t.merged++;
  else if (!followUp) t.noFollowUp++;
  else if (followUp.status === 'answered') {
    t.answeredAfter++;
    if (followUp.answer) t.afterTimes.push(Math.max(0, followUp.answer.at - q.createdAt));
  } else if (followUp.status === 'referred') t.referred++;
  else if (followUp.status === 'closed') t.closed++;
  else {
    t.open++;
    t.backlogAges[bucketOf(Math.floor(Math.max(0, now - followUp.enteredAt) / DAY_MS))]!++;
    if (followUp.dueAt !== null && followUp.dueAt < now) t.backlogOverdue++;
  }
}

function countCommitment(t: Tally, c: AccountabilityInput['commitments'][number], today: string, timeZone: string): void {
  const n = t.commitments;
  n.total++;
  if (c.status === 'planned') n.planned++;
  else if (c.status === 'in-progress') n.inProgress++;
  else if (c.status === 'done') n.done++;
  else n.dropped++;
  if ((c.status === 'planned' || c.status === 'in-progress') && c.dueDate < today) n.overdue++;
  if (c.status === 'done') {
    if (c.doneAt !== null && dayIn(c.doneAt, timeZone) <= c.dueDate) n.doneOnTime++;
    else n.doneLate++;
  }
}

/**
 * The figures for a period. A question belongs to the month its town hall was held (so a late
 * answer counts for the meeting it answers); a commitment to the month it was recorded.
 */
export function accountabilityReport(input: AccountabilityInput): AccountabilityReport {
  const { period, timeZone, now } = input;
  const inPeriod = (month: Month) => month >= period.from && month <= period.to;
  const months = monthsOf(period);
  const totals = new Tally();
  const byMonth = new Map(months.map((m) => [m, { tally: new Tally(), townHalls: 0 }]));
  const byTopic = new Map<string | null, Tally>();
  const topicTally = (id: string | null) => {
    let t = byTopic.get(id);
    if (!t) byTopic.set(id, (t = new Tally()));
    return t;
  };

  const monthOfTownHall = new Map<string, Month>();
  let townHalls = 0;
  for (const t of input.townHalls) {
    if (t.status !== 'ended') continue;
    const month = monthIn(heldAt(t), timeZone);
    if (!inPeriod(month)) continue;
    monthOfTownHall.set(t.id, month);
    townHalls++;
    byMonth.get(month)!.townHalls++;
  }

  const followUps = new Map(input.followUps.map((f) => [f.questionId, f]));
  for (const q of input.questions) {
    const month = monthOfTownHall.get(q.townHallId);
    if (month === undefined) continue;
    const followUp = followUps.get(q.id);
    for (const t of [totals, byMonth.get(month)!.tally, topicTally(q.topicId)]) countQuestion(t, q, followUp, now);
  }

  const today = dayIn(now, timeZone);
  for (const c of input.commitments) {
    const month = monthIn(c.createdAt, timeZone);
    if (!inPeriod(month)) continue;
    // A commitment counts once under each of its topics, so topic rows may add up to more than the total.
    const topics = c.topicIds.length > 0 ? [...new Set(c.topicIds)] : [null];
    for (const t of [totals, byMonth.get(month)!.tally, ...topics.map(topicTally)]) countCommitment(t, c, today, timeZone);
  }

  const known = new Map(input.topics.map((t) => [t.id, t]));
  const order = [...input.topics.map((t) => t.id), ...[...byTopic.keys()].filter((id): id is string => id !== null && !known.has(id)).sort(), null];
  return {
    apiVersion: ACCOUNTABILITY_API_VERSION,
    period: { from: period.from, to: period.to, timeZone },
    asOf: now,
    totals: { townHalls, ...totals.figures() },
    byMonth: months.map((month) => ({ month, townHalls: byMonth.get(month)!.townHalls, ...byMonth.get(month)!.tally.figures() })),
    byTopic: order.flatMap((id) => {
      const tally = byTopic.get(id);
      if (!tally) return [];
      // A topic no longer on the list (it never should be) is still counted, under its id.
      const topic = id === null ? null : (known.get(id) ?? { id, name: { en: id, es: id } });
      return [{ topic: topic && { id: topic.id, name: { en: topic.name.en, es: topic.name.es } }, ...tally.figures() }];
    }),
  };
}
