// WebVTT from a recording's timeline (pure: no I/O, no clock). The caption lines become the
// captions track's cues at the moments viewers saw them live; the questions answered live
// become the chapters track. Times are the timeline's offsets, which are the archive's times
// (the composition starts at the recording's start).
import type { CaptionCue, TimelineEntry } from '../../shared/recording.js';

/**
 * A live caption line stays up until the next one replaces it, but never longer than this: a
 * pause in the captioning is not a line left on the picture for minutes.
 */
export const MAX_CUE_MS = 7000;
/** Nor shorter than this, even when the next line followed at once (the cues then overlap briefly). */
export const MIN_CUE_MS = 1500;

/**
 * The caption lines of a timeline, in order, each with the time it is shown. A line is replaced
 * by the next line in its own language: captions typed in two languages at once are two tracks,
 * and a Spanish line does not cut the English one short.
 */
export function captionCues(timeline: readonly TimelineEntry[]): CaptionCue[] {
  const lines = timeline.filter((e): e is Extract<TimelineEntry, { type: 'caption' }> => e.type === 'caption').sort((a, b) => a.offsetMs - b.offsetMs);
  return lines.map((line, i) => {
    const lang = line.lang ?? null;
    const next = lines.slice(i + 1).find((other) => (other.lang ?? null) === lang)?.offsetMs ?? Infinity;
    const startMs = line.offsetMs;
    const endMs = Math.max(startMs + MIN_CUE_MS, Math.min(startMs + MAX_CUE_MS, next));
    return { id: line.lineId, startMs, endMs, text: line.text, lang };
  });
}

/** A chapter as the chapters track names it. */
export interface NamedChapter {
  startMs: number;
  endMs: number;
  title: string;
}

/** `HH:MM:SS.mmm`, the form every WebVTT reader accepts (hours are required past 59 minutes anyway). */
export function vttTime(ms: number): string {
  const whole = Math.max(0, Math.round(ms));
  const hours = Math.floor(whole / 3_600_000);
  const minutes = Math.floor(whole / 60_000) % 60;
  const seconds = Math.floor(whole / 1000) % 60;
  const millis = whole % 1000;
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(hours)}:${two(minutes)}:${two(seconds)}.${String(millis).padStart(3, '0')}`;
}

/**
 * Cue text as WebVTT reads it: `&`, `<` and `>` escaped (so a caption cannot open a tag, and
 * "-->" cannot end its timing line), and blank lines, which would end the cue, closed up.
 */
export function cueText(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .join('\n');
}

/** An identifier on its own line may hold anything but "-->" and line breaks. */
const cueId = (id: string) => id.replace(/-->/g, '').replace(/[\r\n]/g, ' ');

function vtt(cues: readonly { id?: string; startMs: number; endMs: number; text: string }[]): string {
  const blocks = cues.flatMap((cue) => {
    const text = cueText(cue.text);
    if (text === '') return [];
    const timing = `${vttTime(cue.startMs)} --> ${vttTime(cue.endMs)}`;
    return [cue.id === undefined ? `${timing}\n${text}` : `${cueId(cue.id)}\n${timing}\n${text}`];
  });
  return ['WEBVTT', ...blocks].join('\n\n') + '\n';
}

/** The captions track. */
export function captionsVtt(cues: readonly CaptionCue[]): string {
  return vtt(cues);
}

/** The chapters track: one cue per question answered live, titled with the question. */
export function chaptersVtt(chapters: readonly NamedChapter[]): string {
  return vtt(chapters.map((c, i) => ({ id: `chapter-${i + 1}`, ...c, text: c.title.replace(/\s+/g, ' ') })));
}
