// The record page player's captions tracks (pure: no state, no I/O): one track per language
// the caption lines were typed in, the viewer's own language shown by default, each named in
// the viewer's language.
import type { CaptionCue } from '../../../shared/recording.js';

/** A captions track of the player: one per language the lines were typed in. */
export interface CaptionTrack {
  /** A BCP 47 tag, or null for lines typed without a language. */
  lang: string | null;
  /** The track shown when captions are turned on: the viewer's language if there is one in it. */
  default: boolean;
}

/**
 * The captions tracks of a recording's lines, in the order their languages first appear; one
 * track of unknown language when there are no lines (an empty track, as captions are published).
 */
export function captionTracks(cues: readonly CaptionCue[], viewerLanguage: string): CaptionTrack[] {
  const languages: Array<string | null> = cues.length === 0 ? [null] : [...new Set(cues.map((cue) => cue.lang))];
  const primary = (tag: string | null) => tag?.toLowerCase().split('-')[0] ?? null;
  const preferred = languages.find((lang) => primary(lang) === primary(viewerLanguage)) ?? languages[0];
  return languages.map((lang) => ({ lang, default: lang === preferred }));
}

/** A language's name in the viewer's language ("Spanish", "español"), or its tag if the browser cannot name it. */
export function languageName(tag: string, viewerLanguage: string): string {
  try {
    return new Intl.DisplayNames([viewerLanguage], { type: 'language' }).of(tag) ?? tag;
  } catch {
    return tag;
  }
}
