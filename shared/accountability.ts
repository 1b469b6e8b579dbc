// The department's accountability figures for a chosen period (GET /api/v1/accountability):
// what was asked at its town halls, what it answered live and after, how fast, what is still
// waiting, and what it said it would do. Public and versioned: docs/public-api.md defines every
// field, and a field never changes meaning within a version.
import { z } from 'zod';

/** The version of the public API this shape is; a change that breaks readers gets a new path (/api/v2). */
export const ACCOUNTABILITY_API_VERSION = 1;

/** A month, YYYY-MM, in the department's time zone. */
export const Month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'YYYY-MM');
export type Month = z.infer<typeof Month>;

/** The longest period one request may ask for, in months (ten years). */
export const MAX_PERIOD_MONTHS = 120;

/** `from` and `to` are both included; either may be left out (see defaultPeriod). */
export const PeriodQuery = z
  .strictObject({ from: Month.optional(), to: Month.optional() })
  .refine((p) => p.from === undefined || p.to === undefined || p.from <= p.to, { message: 'from must not be after to', path: ['from'] })
  .refine((p) => p.from === undefined || p.to === undefined || monthsBetween(p.from, p.to) <= MAX_PERIOD_MONTHS, {
    message: `at most ${MAX_PERIOD_MONTHS} months`,
    path: ['to'],
  });

export interface Period {
  from: Month;
  to: Month;
}

/** Months from `from` to `to`, both included (1 for one month). */
export function monthsBetween(from: Month, to: Month): number {
  const [fy, fm] = from.split('-').map(Number) as [number, number];
  const [ty, tm] = to.split('-').map(Number) as [number, number];
  return (ty - fy) * 12 + (tm - fm) + 1;
}

/** The month `n` months after `month` (n may be negative). */
export function addMonths(month: Month, n: number): Month {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const index = y * 12 + (m - 1) + n;
  return `${String(Math.floor(index / 12)).padStart(4, '0')}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/** Every month of the period, in order. */
export function monthsOf(period: Period): Month[] {
  return Array.from({ length: monthsBetween(period.from, period.to) }, (_, i) => addMonths(period.from, i));
}

/** With a bound missing: twelve months ending with `to` (or this month). */
export function defaultPeriod(query: { from?: Month | undefined; to?: Month | undefined }, thisMonth: Month): Period {
  const to = query.to ?? (query.from && query.from > thisMonth ? query.from : thisMonth);
  const from = query.from ?? addMonths(to, -11);
  return { from, to };
}

/** Follow-ups still open, by age in whole days since they entered the queue. */
export const BACKLOG_BUCKETS = [
  { minDays: 0, maxDays: 7 },
  { minDays: 8, maxDays: 14 },
  { minDays: 15, maxDays: 30 },
  { minDays: 31, maxDays: null },
] as const;

export interface BacklogBucket {
  minDays: number;
  /** null: no upper bound. */
  maxDays: number | null;
  count: number;
}

export interface QuestionFigures {
  /** Every question stored for the period's town halls, whatever became of it. */
  received: number;
  /** Answered during the town hall: marked answered on stage, or answered in writing there. */
  answeredLive: number;
  /** Not reached live, then answered in writing through the follow-up queue. */
  answeredAfter: number;
  /** Not reached live and never answered: by where the follow-up stands. */
  notAnswered: {
    /** Still waiting in the follow-up queue. */
    open: number;
    /** Referred to a unit or another department, with a public note. */
    referred: number;
    /** Closed with a public reason (duplicate, outside the police's remit…). */
    closed: number;
    /** No follow-up was ever opened (town halls that ended before the queue existed). */
    noFollowUp: number;
    total: number;
  };
  /** Not counted as answerable: removed by moderators, held and never reviewed, merged into another question. */
  removed: number;
  heldNeverReviewed: number;
  merged: number;
  /** (answeredLive + answeredAfter) ÷ (those + notAnswered.total), 0 to 1; null with none. */
  answeredShare: number | null;
  /** Median milliseconds from asked to answered live; null with none. */
  medianLiveMs: number | null;
  /** Median milliseconds from asked to the written answer after the meeting; null with none. */
  medianAfterMs: number | null;
}

export interface BacklogFigures {
  /** Follow-ups open at `asOf`. */
  open: number;
  /** Of those, past the deadline policy's due time. */
  overdue: number;
  byAge: BacklogBucket[];
}

export interface CommitmentFigures {
  /** Commitments recorded in the period. */
  total: number;
  planned: number;
  inProgress: number;
  done: number;
  dropped: number;
  /** Planned or in progress, and their due day is before the day of `asOf`. */
  overdue: number;
  /** Done on or before their due day. */
  doneOnTime: number;
  doneLate: number;
  /** doneOnTime ÷ (done + dropped + overdue): of those whose outcome is known, the share done on time; null with none. */
  onTimeShare: number | null;
}

export interface Figures {
  questions: QuestionFigures;
  backlog: BacklogFigures;
  commitments: CommitmentFigures;
}

export interface TopicRef {
  id: string;
  name: { en: string; es: string };
}

export interface MonthFigures extends Figures {
  month: Month;
  townHalls: number;
}

/** null topic: questions filed under none, and commitments linked to no topic. */
export interface TopicFigures extends Figures {
  topic: TopicRef | null;
}

export interface AccountabilityReport {
  apiVersion: typeof ACCOUNTABILITY_API_VERSION;
  period: Period & { timeZone: string };
  /** When the figures were computed (ms since the epoch): the backlog's ages and overdue flags are as of this moment. */
  asOf: number;
  totals: Figures & { townHalls: number };
  /** Every month of the period, in order, empty ones included. */
  byMonth: MonthFigures[];
  /** Every topic with at least one question or commitment in the period, in the department's order; no topic last. */
  byTopic: TopicFigures[];
}
