// The presenter screen's contract: what it reads (the hall code, for a live town hall only) and
// the host's "next question" command, which the presenter screen and the host's page both send.
import { z } from 'zod';
import { Id } from './ids.js';
import type { Ack } from './errors.js';
import type { QuestionView } from './qa.js';
import type { HallCodeView } from './townhall.js';

/**
 * `current` is the question the sender sees as "answering now" (null: none). When given and the
 * server's differs (another host advanced first), the command is refused with CONFLICT and
 * changes nothing, so two presses meant as one never skip a question.
 */
export const QaAdvance = z.strictObject({ townHallId: Id, current: Id.nullable().optional() });
export type QaAdvance = z.input<typeof QaAdvance>;

export interface AdvanceResult {
  /** The question that was "answering now" and is now answered (null: none was). */
  answered: QuestionView | null;
  /** The top-ranked open question, now "answering now" (null: none was waiting). */
  answering: QuestionView | null;
}

export const PresentTarget = z.strictObject({ townHallId: Id });
export type PresentTarget = z.input<typeof PresentTarget>;

/** What the presenter screen needs beyond the room's snapshot: the code people in the hall join with. */
export interface PresenterView {
  hallCode: HallCodeView;
}

export interface PresenterClientEvents {
  /** Hosts and admins of a live town hall: marks "answering now" answered and takes the top-ranked open question next. */
  'qa:advance': (payload: QaAdvance, ack: Ack<AdvanceResult>) => void;
  /** Hosts and admins of a live town hall: what the presenter screen shows besides the live room. */
  'townhall:present': (payload: PresentTarget, ack: Ack<PresenterView>) => void;
}
