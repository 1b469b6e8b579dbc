import { describe, expect, it } from 'vitest';
import { captionTracks, languageName } from '../../client/src/lib/caption-tracks.js';
import type { CaptionCue } from '../../shared/recording.js';

const cue = (id: string, lang: string | null): CaptionCue => ({ id, startMs: 0, endMs: 1000, text: id, lang });

describe("the player's captions tracks", () => {
  it('makes a track per language in the order they first appear, the viewer’s own language the default', () => {
    const cues = [cue('a', 'en'), cue('b', 'es-MX'), cue('c', 'en'), cue('d', null)];
    expect(captionTracks(cues, 'es')).toEqual([
      { lang: 'en', default: false },
      { lang: 'es-MX', default: true },
      { lang: null, default: false },
    ]);
    expect(captionTracks(cues, 'en').find((t) => t.default)?.lang).toBe('en');
  });

  it('falls back to the first language when the viewer’s is not among them, and keeps one empty track when there are no lines', () => {
    expect(captionTracks([cue('a', 'vi'), cue('b', 'es')], 'en')).toEqual([
      { lang: 'vi', default: true },
      { lang: 'es', default: false },
    ]);
    expect(captionTracks([], 'en')).toEqual([{ lang: null, default: true }]);
  });

  it('names a language in the viewer’s language, or gives its tag when it cannot', () => {
    expect(languageName('es', 'en')).toBe('Spanish');
    expect(languageName('es', 'es')).toBe('español');
    expect(languageName('not a tag!', 'en')).toBe('not a tag!');
  });
});
