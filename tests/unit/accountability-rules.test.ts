import { describe, expect, it } from 'vitest';
import { defaultPeriod, monthsOf, PeriodQuery } from '../../shared/accountability.js';
import type { CommitmentView, FollowUpView } from '../../shared/followups.js';
import { accountabilityReport, bucketOf, dayIn, type AccountabilityInput, type AccountabilityQuestion } from '../../server/accountability/rules.js';

// One fixture, every figure computed by hand in the comments beside what the test expects.
// Period 2026-01..2026-03; "now" is 2026-04-10 12:00 UTC.
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const at = (iso: string) => Date.parse(iso);
const NOW = at('2026-04-10T12:00:00Z');

const tA = at('2026-01-15T18:00:00Z'); // town hall A: January
const tB = at('2026-02-20T18:00:00Z'); // town hall B: February
const tC = at('2026-03-28T18:00:00Z'); // town hall C: March (never marked started: its scheduled time counts)
const tE = at('2026-04-01T03:00:00Z'); // town hall E: April in UTC, but 31 March in Los Angeles

const townHalls: AccountabilityInput['townHalls'] = [
  { id: 'hallA', status: 'ended', startsAt: tA - HOUR, startedAt: tA },
  { id: 'hallB', status: 'ended', startsAt: tB, startedAt: tB },
  { id: 'hallC', status: 'ended', startsAt: tC, startedAt: null },
  { id: 'hallD', status: 'live', startsAt: at('2026-03-10T18:00:00Z'), startedAt: at('2026-03-10T18:00:00Z') },
  { id: 'hallE', status: 'ended', startsAt: tE, startedAt: tE },
];

function question(id: string, townHallId: string, createdAt: number, topicId: string | null, rest: Partial<AccountabilityQuestion> = {}): AccountabilityQuestion {
  return { id, townHallId, createdAt, topicId, status: 'published', answerState: 'open', answer: null, answeredLiveAt: null, decision: null, ...rest };
}
const decision = { by: 'mod1', at: tA, reason: null, note: null };

const questions: AccountabilityQuestion[] = [
  // A (January)
  question('q1', 'hallA', tA + 2 * MIN, 'traffic', { answerState: 'answered', answeredLiveAt: tA + 10 * MIN }), // live, 8 min
  question('q2', 'hallA', tA, 'traffic', { answerState: 'answered', answer: { text: 'Yes.', byName: 'Sgt. Ruiz', at: tA + 30 * MIN } }), // live in writing, 30 min
  question('q3', 'hallA', tA + 5 * MIN, 'burglary'), // follow-up answered 3 days after asked
  question('q4', 'hallA', tA, null, { status: 'removed', decision }), // removed
  question('q5', 'hallA', tA, 'burglary'), // follow-up open since January, overdue
  // B (February)
  question('q6', 'hallB', tB, 'traffic', { answerState: 'answered', answeredLiveAt: tB + 20 * MIN }), // live, 20 min
  question('q7', 'hallB', tB, 'traffic'), // referred
  question('q8', 'hallB', tB, 'burglary'), // closed
  question('q9', 'hallB', tB, null, { status: 'merged' }), // merged
  question('q10', 'hallB', tB, 'traffic', { status: 'held' }), // held, never reviewed
  question('q15', 'hallB', tB + 5 * MIN, 'burglary'), // follow-up answered 1 day after asked
  // C (March)
  question('q11', 'hallC', tC, 'burglary'), // follow-up open, 12 days old
  question('q12', 'hallC', tC, null), // no follow-up at all
  // D is live: not counted
  question('q13', 'hallD', at('2026-03-10T18:05:00Z'), 'traffic'),
  // E: counted only in Los Angeles (answered live in 10 min)
  question('q14', 'hallE', tE + MIN, 'traffic', { answerState: 'answered', answeredLiveAt: tE + 11 * MIN }),
];

function followUp(questionId: string, status: FollowUpView['status'], enteredAt: number, rest: Partial<FollowUpView> = {}): AccountabilityInput['followUps'][number] {
  return { questionId, status, enteredAt, dueAt: null, answer: null, ...rest };
}
const q = (id: string) => questions.find((x) => x.id === id)!;
const followUps: AccountabilityInput['followUps'] = [
  followUp('q3', 'answered', tA + HOUR, { answer: { text: 'Done.', byName: 'Ofc. Lee', at: q('q3').createdAt + 3 * DAY } }),
  // entered 2026-01-15 19:00, due 14 days later (29 January): overdue on 10 April; 84 days 17 h old → ">30"
  followUp('q5', 'open', tA + HOUR, { dueAt: tA + HOUR + 14 * DAY }),
  followUp('q7', 'referred', tB + HOUR),
  followUp('q8', 'closed', tB + HOUR),
  followUp('q15', 'answered', tB + HOUR, { answer: { text: 'Done.', byName: 'Ofc. Lee', at: q('q15').createdAt + DAY } }),
  // entered 2026-03-28 19:00, due 11 April 19:00 (not yet overdue); 12 days 17 h old → "8–14"
  followUp('q11', 'open', tC + HOUR, { dueAt: tC + HOUR + 14 * DAY }),
  followUp('q13', 'open', tC),
];

function commitment(createdAt: string, topicIds: string[], dueDate: string, status: CommitmentView['status'], doneAt: string | null = null): AccountabilityInput['commitments'][number] {
  return { createdAt: at(createdAt), topicIds, dueDate, status, doneAt: doneAt === null ? null : at(doneAt) };
}
const commitments: AccountabilityInput['commitments'] = [
  // c1: done 1 March 05:00 UTC, due 28 February: late in UTC, on time in Los Angeles (28 Feb 21:00)
  commitment('2026-01-16T12:00:00Z', ['traffic'], '2026-02-28', 'done', '2026-03-01T05:00:00Z'),
  // c2: in progress, due 31 March: overdue on 10 April
  commitment('2026-02-21T12:00:00Z', ['traffic', 'burglary'], '2026-03-31', 'in-progress'),
  // c3: planned, due in May: not overdue
  commitment('2026-02-22T12:00:00Z', [], '2026-05-01', 'planned'),
  // c4: dropped
  commitment('2026-03-29T12:00:00Z', ['burglary'], '2026-04-05', 'dropped'),
  // c5: done 2 April, due 20 April: on time
  commitment('2026-03-30T12:00:00Z', ['burglary'], '2026-04-20', 'done', '2026-04-02T12:00:00Z'),
  // c6: recorded in December 2025: outside the period
  commitment('2025-12-10T12:00:00Z', ['traffic'], '2026-01-10', 'done', '2026-01-05T12:00:00Z'),
];

const topics = [
  { id: 'traffic', name: { en: 'Traffic', es: 'Tráfico' } },
  { id: 'burglary', name: { en: 'Burglary', es: 'Robos' } },
  { id: 'parks', name: { en: 'Parks', es: 'Parques' } },
];

const input = (timeZone: string): AccountabilityInput => ({
  period: { from: '2026-01', to: '2026-03' },
  timeZone,
  now: NOW,
  townHalls,
  questions,
  followUps,
  commitments,
  topics,
});

const noBacklog = { open: 0, overdue: 0, byAge: [{ minDays: 0, maxDays: 7, count: 0 }, { minDays: 8, maxDays: 14, count: 0 }, { minDays: 15, maxDays: 30, count: 0 }, { minDays: 31, maxDays: null, count: 0 }] };
const ages = (a: number, b: number, c: number, d: number) => [
  { minDays: 0, maxDays: 7, count: a },
  { minDays: 8, maxDays: 14, count: b },
  { minDays: 15, maxDays: 30, count: c },
  { minDays: 31, maxDays: null, count: d },
];

describe('accountability figures', () => {
  it('counts the period in UTC exactly as computed by hand', () => {
    const report = accountabilityReport(input('UTC'));
    expect(report.period).toEqual({ from: '2026-01', to: '2026-03', timeZone: 'UTC' });
    expect(report.asOf).toBe(NOW);
    // Town halls: A, B, C ended in the period; D is live; E is April in UTC → 3.
    expect(report.totals.townHalls).toBe(3);
    // Questions of A (q1–q5), B (q6–q10, q15), C (q11, q12) → 13 received.
    // Live: q1, q2, q6 → 3. After: q3, q15 → 2. Open: q5, q11; referred q7; closed q8; no follow-up q12 → 5.
    // removed q4, held q10, merged q9 → 1 each. 3 + 2 + 5 + 3 = 13.
    // Share: (3 + 2) / (3 + 2 + 5) = 0.5. Live times 8, 30, 20 min → median 20 min.
    // After times 3 days, 1 day → median 2 days.
    expect(report.totals.questions).toEqual({
      received: 13,
      answeredLive: 3,
      answeredAfter: 2,
      notAnswered: { open: 2, referred: 1, closed: 1, noFollowUp: 1, total: 5 },
      removed: 1,
      heldNeverReviewed: 1,
      merged: 1,
      answeredShare: 0.5,
      medianLiveMs: 20 * MIN,
      medianAfterMs: 2 * DAY,
    });
    // Backlog: q5 (84 days, overdue since 29 Jan) and q11 (12 days, due 11 Apr) → 2 open, 1 overdue.
    expect(report.totals.backlog).toEqual({ open: 2, overdue: 1, byAge: ages(0, 1, 0, 1) });
    // Commitments c1–c5 (c6 is December): planned c3; in progress c2; done c1, c5; dropped c4.
    // Overdue: c2 (due 31 Mar, today 10 Apr). On time: c5; c1 done 1 Mar > due 28 Feb → late.
    // Share: 1 on time / (2 done + 1 dropped + 1 overdue) = 0.25.
    expect(report.totals.commitments).toEqual({
      total: 5, planned: 1, inProgress: 1, done: 2, dropped: 1, overdue: 1, doneOnTime: 1, doneLate: 1, onTimeShare: 0.25,
    });
  });

  it('splits every figure by the month its town hall was held, empty months included', () => {
    const [jan, feb, mar] = accountabilityReport(input('UTC')).byMonth;
    expect(monthsOf({ from: '2026-01', to: '2026-03' })).toEqual(['2026-01', '2026-02', '2026-03']);
    // January: A; q1 (live 8 min), q2 (live 30 min), q3 (after, 3 days), q4 removed, q5 open.
    // Share 3/4 = 0.75; median live (8 + 30) / 2 = 19 min. Commitment c1: done late → share 0/1 = 0.
    expect(jan).toEqual({
      month: '2026-01',
      townHalls: 1,
      questions: {
        received: 5, answeredLive: 2, answeredAfter: 1,
        notAnswered: { open: 1, referred: 0, closed: 0, noFollowUp: 0, total: 1 },
        removed: 1, heldNeverReviewed: 0, merged: 0,
        answeredShare: 0.75, medianLiveMs: 19 * MIN, medianAfterMs: 3 * DAY,
      },
      backlog: { open: 1, overdue: 1, byAge: ages(0, 0, 0, 1) },
      commitments: { total: 1, planned: 0, inProgress: 0, done: 1, dropped: 0, overdue: 0, doneOnTime: 0, doneLate: 1, onTimeShare: 0 },
    });
    // February: B; q6 live 20 min, q15 after 1 day, q7 referred, q8 closed, q9 merged, q10 held.
    // Share 2/4 = 0.5. Commitments c2 (in progress, overdue), c3 (planned) → share 0/1 = 0.
    expect(feb).toEqual({
      month: '2026-02',
      townHalls: 1,
      questions: {
        received: 6, answeredLive: 1, answeredAfter: 1,
        notAnswered: { open: 0, referred: 1, closed: 1, noFollowUp: 0, total: 2 },
        removed: 0, heldNeverReviewed: 1, merged: 1,
        answeredShare: 0.5, medianLiveMs: 20 * MIN, medianAfterMs: DAY,
      },
      backlog: noBacklog,
      commitments: { total: 2, planned: 1, inProgress: 1, done: 0, dropped: 0, overdue: 1, doneOnTime: 0, doneLate: 0, onTimeShare: 0 },
    });
    // March: C; q11 open (12 days), q12 no follow-up → share 0/2 = 0; no times.
    // Commitments c4 dropped, c5 on time → share 1/2 = 0.5.
    expect(mar).toEqual({
      month: '2026-03',
      townHalls: 1,
      questions: {
        received: 2, answeredLive: 0, answeredAfter: 0,
        notAnswered: { open: 1, referred: 0, closed: 0, noFollowUp: 1, total: 2 },
        removed: 0, heldNeverReviewed: 0, merged: 0,
        answeredShare: 0, medianLiveMs: null, medianAfterMs: null,
      },
      backlog: { open: 1, overdue: 0, byAge: ages(0, 1, 0, 0) },
      commitments: { total: 2, planned: 0, inProgress: 0, done: 1, dropped: 1, overdue: 0, doneOnTime: 1, doneLate: 0, onTimeShare: 0.5 },
    });
  });

  it('splits every figure by topic, in the department order, commitments under each of their topics', () => {
    const rows = accountabilityReport(input('UTC')).byTopic;
    // Parks has nothing in the period: no row. No topic comes last.
    expect(rows.map((r) => r.topic?.id ?? null)).toEqual(['traffic', 'burglary', null]);
    const [traffic, burglary, none] = rows;
    expect(traffic!.topic).toEqual({ id: 'traffic', name: { en: 'Traffic', es: 'Tráfico' } });
    // Traffic: q1, q2, q6 live (8, 30, 20 min → median 20), q7 referred, q10 held → share 3/4.
    // Commitments c1 (done late), c2 (overdue) → share 0/2 = 0.
    expect(traffic!.questions).toEqual({
      received: 5, answeredLive: 3, answeredAfter: 0,
      notAnswered: { open: 0, referred: 1, closed: 0, noFollowUp: 0, total: 1 },
      removed: 0, heldNeverReviewed: 1, merged: 0,
      answeredShare: 0.75, medianLiveMs: 20 * MIN, medianAfterMs: null,
    });
    expect(traffic!.backlog).toEqual(noBacklog);
    expect(traffic!.commitments).toEqual({ total: 2, planned: 0, inProgress: 1, done: 1, dropped: 0, overdue: 1, doneOnTime: 0, doneLate: 1, onTimeShare: 0 });
    // Burglary: q3, q15 after (3 days, 1 day → 2 days), q5 and q11 open, q8 closed → share 2/5 = 0.4.
    // Commitments c2 (overdue), c4 (dropped), c5 (on time) → share 1/3.
    expect(burglary!.questions).toEqual({
      received: 5, answeredLive: 0, answeredAfter: 2,
      notAnswered: { open: 2, referred: 0, closed: 1, noFollowUp: 0, total: 3 },
      removed: 0, heldNeverReviewed: 0, merged: 0,
      answeredShare: 0.4, medianLiveMs: null, medianAfterMs: 2 * DAY,
    });
    expect(burglary!.backlog).toEqual({ open: 2, overdue: 1, byAge: ages(0, 1, 0, 1) });
    expect(burglary!.commitments).toEqual({ total: 3, planned: 0, inProgress: 1, done: 1, dropped: 1, overdue: 1, doneOnTime: 1, doneLate: 0, onTimeShare: 1 / 3 });
    // No topic: q4 removed, q9 merged, q12 no follow-up → share 0/1. Commitment c3 planned → share null.
    expect(none!.topic).toBeNull();
    expect(none!.questions).toEqual({
      received: 3, answeredLive: 0, answeredAfter: 0,
      notAnswered: { open: 0, referred: 0, closed: 0, noFollowUp: 1, total: 1 },
      removed: 1, heldNeverReviewed: 0, merged: 1,
      answeredShare: 0, medianLiveMs: null, medianAfterMs: null,
    });
    expect(none!.commitments).toEqual({ total: 1, planned: 1, inProgress: 0, done: 0, dropped: 0, overdue: 0, doneOnTime: 0, doneLate: 0, onTimeShare: null });
  });

  it('reads months and due days in the department time zone', () => {
    const report = accountabilityReport(input('America/Los_Angeles'));
    // E began 1 April 03:00 UTC = 31 March 20:00 in Los Angeles → in March: 4 town halls.
    expect(report.totals.townHalls).toBe(4);
    expect(report.byMonth[2]!.townHalls).toBe(2);
    // q14 joins: 14 received, 4 live; live times 8, 30, 20, 10 min → median (10 + 20) / 2 = 15 min.
    expect(report.totals.questions.received).toBe(14);
    expect(report.totals.questions.answeredLive).toBe(4);
    expect(report.totals.questions.medianLiveMs).toBe(15 * MIN);
    // c1 done 28 Feb 21:00 local, due 28 Feb → on time: 2 on time of 4 known → 0.5.
    expect(report.totals.commitments).toMatchObject({ doneOnTime: 2, doneLate: 0, onTimeShare: 0.5 });
    expect(dayIn(at('2026-03-01T05:00:00Z'), 'America/Los_Angeles')).toBe('2026-02-28');
  });

  it('puts a follow-up in the age bucket of its whole days open', () => {
    expect([0, 7, 8, 14, 15, 30, 31, 400].map(bucketOf)).toEqual([0, 0, 1, 1, 2, 2, 3, 3]);
    // 7 days 23 hours is still 7 whole days: "0–7".
    const report = accountabilityReport({
      ...input('UTC'),
      questions: [question('x', 'hallA', tA, null)],
      followUps: [followUp('x', 'open', NOW - 7 * DAY - 23 * HOUR)],
      commitments: [],
    });
    expect(report.totals.backlog.byAge.map((b) => b.count)).toEqual([1, 0, 0, 0]);
  });

  it('reports an empty period with zeros and no shares or medians', () => {
    const report = accountabilityReport({ ...input('UTC'), period: { from: '2025-06', to: '2025-07' } });
    expect(report.totals.townHalls).toBe(0);
    expect(report.byMonth.map((m) => m.month)).toEqual(['2025-06', '2025-07']);
    expect(report.byTopic).toEqual([]);
    expect(report.totals.questions).toMatchObject({ received: 0, answeredShare: null, medianLiveMs: null, medianAfterMs: null });
    expect(report.totals.commitments.onTimeShare).toBeNull();
  });
});

describe('the period', () => {
  it('accepts months in order and refuses malformed or reversed ones', () => {
    expect(PeriodQuery.safeParse({ from: '2026-01', to: '2026-03' }).success).toBe(true);
    expect(PeriodQuery.safeParse({}).success).toBe(true);
    for (const bad of [{ from: '2026-13' }, { from: '2026-1' }, { to: '2026-00' }, { from: '2026-04', to: '2026-03' }, { from: '2000-01', to: '2020-01' }, { from: '2026-01', extra: 'x' }]) {
      expect(PeriodQuery.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });

  it('fills a missing bound with twelve months', () => {
    expect(defaultPeriod({}, '2026-04')).toEqual({ from: '2025-05', to: '2026-04' });
    expect(defaultPeriod({ to: '2026-02' }, '2026-04')).toEqual({ from: '2025-03', to: '2026-02' });
    expect(defaultPeriod({ from: '2025-01' }, '2026-04')).toEqual({ from: '2025-01', to: '2026-04' });
  });
});
