import { describe, expect, it } from 'vitest';
import type { TimelineEntry, TimelineEvent } from '../../shared/recording.js';
import { captionCues, captionsVtt, chaptersVtt, cueText, MAX_CUE_MS, MIN_CUE_MS, vttTime } from '../../server/recording/vtt.js';

const entry = (s: number, event: TimelineEvent): TimelineEntry => ({ at: 1_700_000_000_000 + s * 1000, offsetMs: s * 1000, ...event });
const caption = (s: number, text: string, lineId = `line${s}`) => entry(s, { type: 'caption', lineId, text });

describe('caption cues from a timeline', () => {
  it('shows each line from the moment it was captioned live until the next one', () => {
    const cues = captionCues([
      entry(0, { type: 'recording-started', recordingId: 'r1', townHallId: 't1' }),
      caption(2, 'Good evening.'),
      entry(3, { type: 'answering', questionId: 'q1' }),
      caption(5, 'Welcome to Eastside.'),
    ]);
    expect(cues).toEqual([
      { id: 'line2', startMs: 2000, endMs: 5000, text: 'Good evening.', lang: null },
      { id: 'line5', startMs: 5000, endMs: 5000 + MAX_CUE_MS, text: 'Welcome to Eastside.', lang: null },
    ]);
  });

  it('takes a line down after a pause in the captioning rather than leaving it up until the next', () => {
    const [first] = captionCues([caption(1, 'Thank you.'), caption(60, 'Next question.')]);
    expect(first!.endMs).toBe(1000 + MAX_CUE_MS);
  });

  it('keeps a line up long enough to read when the next one followed at once', () => {
    const [first] = captionCues([caption(1, 'Yes.'), entry(1.2, { type: 'caption', lineId: 'b', text: 'And no.' })]);
    expect(first!.endMs).toBe(1000 + MIN_CUE_MS);
  });

  it('places lines in time order even when the timeline holds them out of order', () => {
    expect(captionCues([caption(9, 'second'), caption(4, 'first')]).map((c) => c.text)).toEqual(['first', 'second']);
  });

  it('keeps each line in its language, replaced only by the next line in the same language', () => {
    const cues = captionCues([
      entry(2, { type: 'caption', lineId: 'en1', text: 'Good evening.', lang: 'en' }),
      entry(3, { type: 'caption', lineId: 'es1', text: 'Buenas noches.', lang: 'es' }),
      entry(5, { type: 'caption', lineId: 'en2', text: 'Welcome.', lang: 'en' }),
      entry(6, { type: 'caption', lineId: 'es2', text: 'Bienvenidos.', lang: 'es' }),
      caption(7, 'Typed without a language.'),
    ]);
    expect(cues.map((c) => [c.id, c.lang, c.startMs, c.endMs])).toEqual([
      ['en1', 'en', 2000, 5000],
      ['es1', 'es', 3000, 6000],
      ['en2', 'en', 5000, 5000 + MAX_CUE_MS],
      ['es2', 'es', 6000, 6000 + MAX_CUE_MS],
      ['line7', null, 7000, 7000 + MAX_CUE_MS],
    ]);
  });
});

describe('WebVTT text', () => {
  it('writes times as hours, minutes, seconds and milliseconds', () => {
    expect(vttTime(0)).toBe('00:00:00.000');
    expect(vttTime(3_723_045)).toBe('01:02:03.045');
    expect(vttTime(-5)).toBe('00:00:00.000');
  });

  it('escapes what would open a tag or end the timing, and closes up blank lines that would end the cue', () => {
    expect(cueText('a <b>bold</b> & --> claim')).toBe('a &lt;b&gt;bold&lt;/b&gt; &amp; --&gt; claim');
    expect(cueText('one\n\n\ntwo\r\nthree ')).toBe('one\ntwo\nthree');
  });

  it('makes a captions file with a header and one block per line', () => {
    expect(captionsVtt([{ id: 'l1', startMs: 1500, endMs: 4000, text: 'Good evening.', lang: null }])).toBe(
      'WEBVTT\n\nl1\n00:00:01.500 --> 00:00:04.000\nGood evening.\n',
    );
    expect(captionsVtt([])).toBe('WEBVTT\n');
  });

  it('leaves out a line with no text at all', () => {
    expect(captionsVtt([{ id: 'l1', startMs: 0, endMs: 1000, text: ' \n ', lang: null }])).toBe('WEBVTT\n');
  });

  it('names each chapter with its question on one line', () => {
    expect(chaptersVtt([{ startMs: 3000, endMs: 9000, title: 'Will the station\nopen on Sundays?' }])).toBe(
      'WEBVTT\n\nchapter-1\n00:00:03.000 --> 00:00:09.000\nWill the station open on Sundays?\n',
    );
  });
});
