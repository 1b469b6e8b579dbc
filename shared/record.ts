// The public record of an ended town hall (GET /api/townhalls/:id/record) and the admin
// settings that decide what it publishes and how long it keeps guests' names.
import { z } from 'zod';
import type { ReasonCode } from './moderation.js';
import { ALLOWED_PERSONAL_INFO_LIMITS } from './personal-info.js';
import type { PollKind, PollOption, PollResults, PollVisibility } from './polls.js';
import type { StaffRole } from './roles.js';

// ---- admin settings (GET/PUT /api/admin/settings) -----------------------------------------

export const RecordSections = z.strictObject({
  questions: z.boolean(),
  polls: z.boolean(),
  chat: z.boolean(),
  captions: z.boolean(),
  moderation: z.boolean(),
});
export type RecordSections = z.infer<typeof RecordSections>;
export type RecordSection = keyof RecordSections;

export const SETTINGS_LIMITS = {
  guestNameRetentionDays: { min: 0, max: 3650 },
  backchannelRetentionDays: { min: 0, max: 3650 },
  recordingRetentionDays: { min: 1, max: 36500 },
} as const;

export const Settings = z.strictObject({
  /** Which sections the public record of every ended town hall shows. */
  publish: RecordSections,
  /** Days after a town hall ends before guests' names are dropped from it (0: at once). */
  guestNameRetentionDays: z
    .number()
    .int()
    .min(SETTINGS_LIMITS.guestNameRetentionDays.min)
    .max(SETTINGS_LIMITS.guestNameRetentionDays.max),
  /**
   * The department's own public phone numbers, e-mail addresses and street addresses: content
   * holding them is not held for personal information. Public by nature (the client reads them
   * to warn authors exactly as the server screens).
   */
  allowedPersonalInfo: z
    .array(z.string().trim().min(3).max(ALLOWED_PERSONAL_INFO_LIMITS.length))
    .max(ALLOWED_PERSONAL_INFO_LIMITS.entries),
  /**
   * Days after a town hall ends before its staff backchannel is deleted (0: at once). The
   * backchannel is kept with the staff record; the moderation record's hash chain itself is
   * never cut (a cut chain would no longer verify).
   */
  backchannelRetentionDays: z
    .number()
    .int()
    .min(SETTINGS_LIMITS.backchannelRetentionDays.min)
    .max(SETTINGS_LIMITS.backchannelRetentionDays.max),
  /**
   * The follow-up deadline policy: days after a town hall ends by which each question it did not
   * reach should be answered, referred or closed (shown as overdue in public after); null: none.
   * Absent from a body: none.
   */
  followUpDeadlineDays: z.number().int().min(1).max(365).nullable().default(null),
  /**
   * Every town hall is recorded: recording starts when it goes live and hosts cannot stop it.
   * Off by default (then a host starts and stops recording).
   */
  requireRecording: z.boolean().default(false),
  /**
   * Days after it was made before a recording (its tracks and its archival video) is deleted by
   * the hourly sweep; null: kept until an admin deletes it. Absent from a body: kept.
   */
  recordingRetentionDays: z
    .number()
    .int()
    .min(SETTINGS_LIMITS.recordingRetentionDays.min)
    .max(SETTINGS_LIMITS.recordingRetentionDays.max)
    .nullable()
    .default(null),
});
export type Settings = z.infer<typeof Settings>;

export const DEFAULT_SETTINGS: Settings = {
  publish: { questions: true, polls: true, chat: true, captions: true, moderation: true },
  guestNameRetentionDays: 30,
  allowedPersonalInfo: [],
  backchannelRetentionDays: 365,
  followUpDeadlineDays: null,
  requireRecording: false,
  recordingRetentionDays: null,
};

// ---- the record -----------------------------------------------------------------------------

/**
 * How a question ended. `answered` carries how: in writing, live on stage, or both. Removed,
 * rejected and hidden questions, and held ones nobody reviewed, are never listed one by one;
 * merged ones are counted on the question they were merged into.
 */
export type QuestionOutcome = 'answered' | 'not-reached' | 'removed' | 'held' | 'merged';

/** A question as the record lists it. `authorName` is null for anonymous questions and once guests' names are dropped. */
export interface RecordQuestion {
  id: string;
  /** null while it is under review. */
  text: string | null;
  /**
   * Flags took it down and no moderator has reviewed it yet: it keeps its place in the figures
   * (only a moderator's decision moves them) but its text is not shown.
   */
  underReview: boolean;
  askedAt: number;
  votes: number;
  anonymous: boolean;
  authorName: string | null;
  /** The asker's staff role when they asked (null: resident or guest), kept on anonymous questions too. */
  authorRole: StaffRole | null;
  /** True when the asker's name was dropped under the retention setting (shown as "Resident"). */
  nameDropped: boolean;
  /** The department topic it was filed under, with its names as they are now; null when none. */
  topic: { id: string; name: { en: string; es: string } } | null;
  /** How many duplicate questions were merged into this one (their voters are in `votes`, each once). */
  mergedCount: number;
  /** Distinct people other than its asker who asked one of those. */
  alsoAskedBy: number;
}

export interface AnsweredQuestion extends RecordQuestion {
  /** The officer's written answer, if one was written. */
  answer: { text: string; byName: string; at: number } | null;
  /** Marked "answered" live, on stage. */
  answeredLive: boolean;
  /** The first moment it counted as answered; null only for answers recorded before times were kept. */
  answeredAt: number | null;
  timeToAnswerMs: number | null;
}

export interface RecordSummary {
  received: number;
  answered: number;
  answeredInWriting: number;
  answeredLive: number;
  notReached: number;
  /** Removed, rejected, or hidden and never restored. */
  removed: number;
  /** Held for review and never reviewed before the event ended. */
  heldNeverReviewed: number;
  /** Merged into another question as duplicates: counted in `received`, listed through the one they were merged into. */
  merged: number;
  /** answered ÷ distinct questions (received less merged), from 0 to 1; null with none. */
  answeredShare: number | null;
  medianTimeToAnswerMs: number | null;
}

/** `reason` is a moderator's reason code; `other` when none was recorded. */
export interface ReasonCount {
  reason: ReasonCode;
  count: number;
}

export interface RecordQuestions {
  summary: RecordSummary;
  /** In the order they were answered. */
  answered: AnsweredQuestion[];
  /** Most votes first. */
  notReached: RecordQuestion[];
  removedByReason: ReasonCount[];
}

export interface RecordPoll {
  id: string;
  kind: PollKind;
  question: string;
  options: PollOption[];
  maxChoices: number | null;
  scale: { min: number; max: number } | null;
  visibility: Exclude<PollVisibility, 'staff'>;
  openedAt: number | null;
  closedAt: number | null;
  results: PollResults;
}

/**
 * One line of a chat or caption transcript. `name` is null where no name may be shown;
 * `authorRole` is the writer's staff role when they wrote it (null: resident or guest), so a
 * guest who took an officer's name never reads as one.
 */
export interface TranscriptLine {
  at: number;
  name: string | null;
  authorRole: StaffRole | null;
  text: string;
}

export interface ModerationTotal {
  action: string;
  reason: string | null;
  count: number;
}

export interface TownHallRecordView {
  townHall: {
    id: string;
    title: string;
    description: string;
    startsAt: number;
    startedAt: number | null;
    endedAt: number | null;
    hosts: string[];
  };
  generatedAt: number;
  /** When guests' names leave the record (already past: they are gone). */
  guestNamesUntil: number;
  /** A section the settings do not publish is null. */
  questions: RecordQuestions | null;
  polls: RecordPoll[] | null;
  chat: TranscriptLine[] | null;
  captions: TranscriptLine[] | null;
  moderation: ModerationTotal[] | null;
}
