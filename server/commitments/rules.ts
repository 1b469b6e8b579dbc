// The rules of commitments, without I/O: which status changes are allowed, what a dated update
// does to a commitment, which day it is in the department's time zone, and what "overdue" and
// "done on time" mean. The service, the stores and the accountability figures all use these.
import { COMMITMENT_TRANSITIONS, type CommitmentStatus, type CommitmentUpdate, type CommitmentView } from '../../shared/followups.js';

/** The zone a department's days are counted in when none is configured. */
export const DEFAULT_TIME_ZONE = 'UTC';

/** `at` as YYYY-MM-DD in `timeZone` (the en-CA locale writes dates in exactly that form). */
export function dayOf(at: number, timeZone: string = DEFAULT_TIME_ZONE): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}

/** A calendar day that exists (the schema only checks the YYYY-MM-DD shape: 2027-02-30 passes it). */
export function isRealDay(day: string): boolean {
  const at = Date.parse(`${day}T00:00:00Z`);
  return Number.isFinite(at) && new Date(at).toISOString().slice(0, 10) === day;
}

/** Whether the rules let a commitment move from `from` to `to` (done and dropped are final). */
export const canMove = (from: CommitmentStatus, to: CommitmentStatus): boolean => COMMITMENT_TRANSITIONS[from].includes(to);

/** Still owed and past its day: not done or dropped, and today (in the department's zone) after dueDate. */
export const isOverdue = (c: Pick<CommitmentView, 'status' | 'dueDate'>, today: string): boolean =>
  c.status !== 'done' && c.status !== 'dropped' && today > c.dueDate;

/** Done, and on a day no later than its due date. */
export const doneOnTime = (c: Pick<CommitmentView, 'doneAt' | 'dueDate'>, timeZone: string = DEFAULT_TIME_ZONE): boolean =>
  c.doneAt !== null && dayOf(c.doneAt, timeZone) <= c.dueDate;

/**
 * The commitment after one dated update: appended to its history and, when it carries a status,
 * moved there ('done' stamps doneAt, 'dropped' keeps the update's text as the reason). Both
 * stores apply an update through this, so they cannot disagree about what it means.
 */
export function applyUpdate<C extends CommitmentView>(c: C, update: CommitmentUpdate): C {
  const next: C = { ...c, updates: [...c.updates, update] };
  if (update.status === null) return next;
  next.status = update.status;
  if (update.status === 'done') next.doneAt = update.at;
  if (update.status === 'dropped') next.dropReason = update.text;
  return next;
}
