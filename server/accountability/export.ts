// The accountability figures as files people take away: JSON for programs (the same object as
// the API) and one CSV table for spreadsheets, a row for the period, each month and each topic.
import type { AccountabilityReport, Figures } from '../../shared/accountability.js';
import { csvCell } from '../moderation/audit-export.js';

export const CSV_COLUMNS = [
  'scope',
  'month',
  'topic_id',
  'topic',
  'topic_es',
  'town_halls',
  'questions_received',
  'answered_live',
  'answered_after',
  'not_answered_open',
  'not_answered_referred',
  'not_answered_closed',
  'not_answered_no_follow_up',
  'not_answered_total',
  'removed',
  'held_never_reviewed',
  'merged',
  'answered_share',
  'median_live_seconds',
  'median_after_seconds',
  'backlog_open',
  'backlog_overdue',
  'backlog_0_7_days',
  'backlog_8_14_days',
  'backlog_15_30_days',
  'backlog_over_30_days',
  'commitments',
  'commitments_planned',
  'commitments_in_progress',
  'commitments_done',
  'commitments_dropped',
  'commitments_overdue',
  'commitments_done_on_time',
  'commitments_done_late',
  'commitments_on_time_share',
] as const;
type Column = (typeof CSV_COLUMNS)[number];
type Row = Partial<Record<Column, string | number | null>>;

const seconds = (ms: number | null) => (ms === null ? null : Math.round(ms / 1000));
const share = (value: number | null) => (value === null ? null : Number(value.toFixed(4)));

function figureCells(f: Figures): Row {
  const q = f.questions;
  const c = f.commitments;
  const [a, b, m, old] = f.backlog.byAge.map((bucket) => bucket.count);
  return {
    questions_received: q.received,
    answered_live: q.answeredLive,
    answered_after: q.answeredAfter,
    not_answered_open: q.notAnswered.open,
    not_answered_referred: q.notAnswered.referred,
    not_answered_closed: q.notAnswered.closed,
    not_answered_no_follow_up: q.notAnswered.noFollowUp,
    not_answered_total: q.notAnswered.total,
    removed: q.removed,
    held_never_reviewed: q.heldNeverReviewed,
    merged: q.merged,
    answered_share: share(q.answeredShare),
    median_live_seconds: seconds(q.medianLiveMs),
    median_after_seconds: seconds(q.medianAfterMs),
    backlog_open: f.backlog.open,
    backlog_overdue: f.backlog.overdue,
    backlog_0_7_days: a ?? 0,
    backlog_8_14_days: b ?? 0,
    backlog_15_30_days: m ?? 0,
    backlog_over_30_days: old ?? 0,
    commitments: c.total,
    commitments_planned: c.planned,
    commitments_in_progress: c.inProgress,
    commitments_done: c.done,
    commitments_dropped: c.dropped,
    commitments_overdue: c.overdue,
    commitments_done_on_time: c.doneOnTime,
    commitments_done_late: c.doneLate,
    commitments_on_time_share: share(c.onTimeShare),
  };
}

export function accountabilityRows(report: AccountabilityReport): Row[] {
  return [
    { scope: 'period', month: `${report.period.from}/${report.period.to}`, town_halls: report.totals.townHalls, ...figureCells(report.totals) },
    ...report.byMonth.map((m): Row => ({ scope: 'month', month: m.month, town_halls: m.townHalls, ...figureCells(m) })),
    ...report.byTopic.map((t): Row => ({
      scope: 'topic',
      topic_id: t.topic?.id ?? null,
      topic: t.topic?.name.en ?? null,
      topic_es: t.topic?.name.es ?? null,
      ...figureCells(t),
    })),
  ];
}

/** RFC 4180: a header row, CRLF line ends, quoted cells where needed, formulas defused. */
export function accountabilityToCsv(report: AccountabilityReport): string {
  const rows = [CSV_COLUMNS.map(csvCell), ...accountabilityRows(report).map((row) => CSV_COLUMNS.map((c) => csvCell(row[c] ?? null)))];
  return rows.map((cells) => `${cells.join(',')}\r\n`).join('');
}

export const accountabilityToJson = (report: AccountabilityReport): string => `${JSON.stringify(report, null, 2)}\n`;
