// The live captions contract: captioners and hosts type lines during a live town hall; every
// viewer may show them. Lines are kept with the event for its public record.
import { z } from 'zod';
import type { Ack } from './errors.js';
import { Id } from './ids.js';
import type { StaffRole } from './roles.js';
import { boundedText } from './text.js';

export const CAPTION_LIMITS = {
  text: { min: 1, max: 500 },
  /** Lines a late joiner receives: the most recent ones. */
  recent: 20,
} as const;

export interface CaptionLine {
  id: Id;
  townHallId: Id;
  text: string;
  at: number;
  /** The role of whoever typed it (a captioner, or a host captioning their own event); the name is never shown. */
  authorRole: StaffRole | null;
}

/** Captions' part of the town hall's join snapshot (`townhall:join`). */
export interface CaptionsSnapshot {
  townHallId: Id;
  /** The most recent lines, oldest first. */
  lines: CaptionLine[];
}

export const CaptionsSend = z.strictObject({
  townHallId: Id,
  text: boundedText(CAPTION_LIMITS.text.min, CAPTION_LIMITS.text.max),
});
export type CaptionsSend = z.input<typeof CaptionsSend>;

export interface CaptionsClientEvents {
  /** Captioners and the town hall's hosts (and admins), while it is live. */
  'captions:send': (payload: CaptionsSend, ack: Ack<CaptionLine>) => void;
}

export interface CaptionsServerEvents {
  /** A new caption line, to everyone in the town hall. */
  'captions:line-added': (payload: { line: CaptionLine }) => void;
}
