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
  /** The language it was typed in (a BCP 47 tag, as the captioner chose it); null on lines typed without one. */
  lang: string | null;
}

/**
 * A caption line's language, a BCP 47 tag as `<track srclang>` and `lang` attributes take it:
 * a language (`en`, `es`, `vi`) and optional subtags (`es-MX`, `zh-Hant`). Letters and digits
 * only, so it is safe in a URL, an attribute and a file name.
 */
export const CaptionLanguage = z
  .string()
  .max(35)
  .regex(/^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8}){0,3}$/, 'a language tag such as en, es or es-MX');

/** BCP 47's "undetermined": names the captions of lines typed without a language. */
export const UNDETERMINED_LANGUAGE = 'und';

/** The languages the captioner's page offers (the interface's own); the server takes any tag. */
export const CAPTION_INPUT_LANGUAGES = ['en', 'es'] as const;

/** Captions' part of the town hall's join snapshot (`townhall:join`). */
export interface CaptionsSnapshot {
  townHallId: Id;
  /** The most recent lines, oldest first. */
  lines: CaptionLine[];
}

export const CaptionsSend = z.strictObject({
  townHallId: Id,
  text: boundedText(CAPTION_LIMITS.text.min, CAPTION_LIMITS.text.max),
  /** The language the line is typed in; without it the line's language is unknown (null). */
  lang: CaptionLanguage.optional(),
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
