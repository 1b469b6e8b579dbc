// The follow-up queue's rules, without I/O: who may act on a follow-up, which changes it may
// take, when it is due and when it is overdue. The service reads and stores; these decide.
import { CommandError, ErrorCode } from '../../shared/errors.js';
import type { CloseReason, FollowUpEvent, FollowUpView } from '../../shared/followups.js';
import type { Role } from '../../shared/roles.js';
import type { QuestionRecord } from '../qa/service.js';

/** A follow-up as stored: the public view with its assignee (staff only) always present. */
export type FollowUpRecord = Omit<FollowUpView, 'assigneeId' | 'assigneeName' | 'overdue'> & { assigneeId: string | null };

const DAY_MS = 24 * 3600_000;

/** A question enters the queue when it was published and not answered live (or in writing). */
export const entersQueue = (q: Pick<QuestionRecord, 'status' | 'answerState'>): boolean =>
  q.status === 'published' && q.answerState !== 'answered';

/** The follow-up a question not reached becomes when its town hall ends. */
export function enteredFollowUp(q: QuestionRecord, at: number, deadlineDays: number | null): FollowUpRecord {
  return {
    questionId: q.id,
    townHallId: q.townHallId,
    questionText: q.text,
    topicId: q.topicId,
    askedAt: q.createdAt,
    enteredAt: at,
    status: 'open',
    unitId: null,
    assigneeId: null,
    dueAt: dueAt(at, deadlineDays),
    answer: null,
    referral: null,
    closure: null,
    resolvedAt: null,
    history: [{ at, kind: 'entered', byName: null }],
  };
}

export const dueAt = (enteredAt: number, deadlineDays: number | null): number | null =>
  deadlineDays === null ? null : enteredAt + deadlineDays * DAY_MS;

export const isOverdue = (f: Pick<FollowUpRecord, 'status' | 'dueAt'>, now: number): boolean =>
  f.status === 'open' && f.dueAt !== null && now > f.dueAt;

/** Who is acting, as the rules need them: their role and unit, and whether they host its town hall. */
export interface Actor {
  id: string;
  role: Role;
  displayName: string;
  unitId: string | null;
  /** A listed host of the follow-up's town hall (or an admin). */
  hosts: boolean;
}

const forbidden = (message: string) => new CommandError(ErrorCode.FORBIDDEN, message);
const isOfficer = (role: Role) => role === 'officer' || role === 'admin';

/** Only officers and admins work follow-ups at all; residents, moderators and captioners do not. */
export function requireWorker(role: Role): void {
  if (!isOfficer(role)) throw forbidden('Only officers work follow-ups.');
}

/** Assigning is for the town hall's hosts and admins. */
export function requireAssigner(actor: Actor): void {
  requireWorker(actor.role);
  if (!actor.hosts) throw forbidden('Only a host of this town hall or an admin may assign its follow-ups.');
}

/** Answering, referring and closing: the assignee, an officer of its unit, a host of its town hall, or an admin. */
export function requireResolver(f: FollowUpRecord, actor: Actor): void {
  requireWorker(actor.role);
  const mayAct =
    actor.role === 'admin' || actor.hosts || f.assigneeId === actor.id || (f.unitId !== null && actor.unitId === f.unitId);
  if (!mayAct) throw forbidden('Only its assignee, an officer of its unit, a host of its town hall or an admin may do that.');
}

/** answered, referred and closed are final: a follow-up is never reopened or changed after. */
function requireOpen(f: FollowUpRecord): void {
  if (f.status !== 'open') throw new CommandError(ErrorCode.CONFLICT, `This follow-up is already ${f.status}.`);
}

/** What an officer does to a follow-up, validated (shared/followups.ts schemas) and authorised. */
export type FollowUpStep =
  | { kind: 'assign'; assigneeId?: string | null | undefined; unitId?: string | null | undefined }
  | { kind: 'take' }
  | { kind: 'answer'; text: string }
  | { kind: 'refer'; to: string; note: string }
  | { kind: 'close'; reason: CloseReason; detail?: string | undefined };

/** Reasons whose public note must say more: to whom it was referred, how to get in touch. */
export const CLOSE_REASONS_WITH_DETAIL: readonly CloseReason[] = ['outside-remit', 'personal-matter'];

/**
 * The follow-up after `step`, with its dated history entry; or the error that leaves it as it
 * was. Authorisation is the caller's (`requireAssigner`, `requireResolver`), the state's is here.
 */
export function applyStep(f: FollowUpRecord, step: FollowUpStep, actor: Actor, at: number): { next: FollowUpRecord; event: FollowUpEvent } {
  requireOpen(f);
  const by = actor.displayName;
  switch (step.kind) {
    case 'assign': {
      const assigneeId = step.assigneeId === undefined ? f.assigneeId : step.assigneeId;
      const unitId = step.unitId === undefined ? f.unitId : step.unitId;
      const event: FollowUpEvent = { at, kind: 'assigned', byName: by, unitId };
      return { next: { ...f, assigneeId, unitId, history: [...f.history, event] }, event };
    }
    case 'take': {
      if (f.assigneeId !== null) throw new CommandError(ErrorCode.CONFLICT, 'This follow-up is already assigned.');
      const event: FollowUpEvent = { at, kind: 'assigned', byName: by, unitId: f.unitId };
      return { next: { ...f, assigneeId: actor.id, history: [...f.history, event] }, event };
    }
    case 'answer': {
      const event: FollowUpEvent = { at, kind: 'answered', byName: by };
      const answer = { text: step.text, byName: by, at };
      return { next: { ...f, status: 'answered', answer, resolvedAt: at, history: [...f.history, event] }, event };
    }
    case 'refer': {
      const event: FollowUpEvent = { at, kind: 'referred', byName: by };
      const referral = { to: step.to, note: step.note, byName: by, at };
      return { next: { ...f, status: 'referred', referral, resolvedAt: at, history: [...f.history, event] }, event };
    }
    case 'close': {
      if (CLOSE_REASONS_WITH_DETAIL.includes(step.reason) && !step.detail) {
        throw new CommandError(ErrorCode.INVALID_PAYLOAD, 'This reason needs a public note: to whom it was referred, or how to get in touch.', {
          fields: ['detail'],
        });
      }
      const event: FollowUpEvent = { at, kind: 'closed', byName: by };
      const closure = { reason: step.reason, detail: step.detail ?? null, byName: by, at };
      return { next: { ...f, status: 'closed', closure, resolvedAt: at, history: [...f.history, event] }, event };
    }
  }
}
