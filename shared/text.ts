import { z } from 'zod';

// Control characters other than tab and newline never belong in user text; they are
// removed rather than rejected so a pasted question still goes through.
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\u200B-\u200F\u202A-\u202E\u2066-\u2069]/g;

export const cleanText = (raw: string): string => raw.normalize('NFC').replace(CONTROL, '').replace(/\r\n?/g, '\n').trim();

/** Length as a person counts it: code points, so one emoji is one character. */
export const textLength = (s: string): number => [...s].length;

/**
 * User text bounded after cleaning. The raw string is capped first (at a generous multiple)
 * so an oversized payload is refused before any work is done on it.
 */
export const boundedText = (min: number, max: number) =>
  z
    .string()
    .max(max * 4)
    .transform(cleanText)
    .refine((s) => textLength(s) >= min, { message: `at least ${min} characters` })
    .refine((s) => textLength(s) <= max, { message: `at most ${max} characters` });

/** A single line of text, such as a display name. */
export const boundedLine = (min: number, max: number) =>
  z
    .string()
    .max(max * 4)
    .transform((s) => cleanText(s).replace(/\s+/g, ' '))
    .refine((s) => textLength(s) >= min, { message: `at least ${min} characters` })
    .refine((s) => textLength(s) <= max, { message: `at most ${max} characters` });

export const LIMITS = {
  questionText: { min: 1, max: 500 },
  answerText: { min: 1, max: 2000 },
  displayName: { min: 2, max: 40 },
  username: { min: 3, max: 32 },
  password: { min: 10, max: 200 },
  moderationNote: { max: 500 },
  townHallTitle: { min: 3, max: 120 },
  townHallDescription: { max: 2000 },
} as const;
