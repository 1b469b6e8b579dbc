// The recording library over a real temporary folder: what it finds on disk, and the two small
// files it keeps beside the tracks.
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TimelineEntry, TimelineEvent } from '../../shared/recording.js';
import { RecordingLibrary } from '../../server/recording/library.js';

let dataDir: string;
let library: RecordingLibrary;
beforeEach(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'rt-library-'));
  library = new RecordingLibrary(dataDir);
});
afterEach(() => rm(dataDir, { recursive: true, force: true }));

const T0 = 1_700_000_000_000;

/** Writes a recording's timeline: events at `s` seconds after T0 + `startS`. */
async function recording(townHallId: string, recordingId: string, startS: number, events: Array<[number, TimelineEvent]>, options: { stopped?: number } = {}) {
  const dir = path.join(dataDir, 'recordings', townHallId, recordingId);
  await mkdir(dir, { recursive: true });
  const entry = (s: number, event: TimelineEvent): TimelineEntry => ({ at: T0 + (startS + s) * 1000, offsetMs: s * 1000, ...event }) as TimelineEntry;
  const lines = [entry(0, { type: 'recording-started', recordingId, townHallId }), ...events.map(([s, e]) => entry(s, e))];
  if (options.stopped !== undefined) lines.push(entry(options.stopped, { type: 'recording-stopped', recordingId }));
  await writeFile(path.join(dir, 'timeline.jsonl'), lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
  return dir;
}

describe('the recording library', () => {
  it("lists a town hall's recordings oldest first, from their timelines' first and last lines", async () => {
    await recording('hall-1', 'rec-later', 100, [], { stopped: 30 });
    const crashed = await recording('hall-1', 'rec-first', 0, [[12, { type: 'caption', lineId: 'line-1', text: 'Hello' }]]);
    await recording('hall-2', 'rec-other', 50, [], { stopped: 5 });

    const listed = await library.list('hall-1');
    expect(listed.map((r) => [r.id, r.startedAt, r.stoppedAt])).toEqual([
      ['rec-first', T0, null],
      ['rec-later', T0 + 100_000, T0 + 130_000],
    ]);
    // Cut short by a crash: no stop line, and the last thing known of it.
    expect(listed[0]).toMatchObject({ dir: crashed, lastAt: T0 + 12_000 });
    expect((await library.all()).map((r) => r.id)).toEqual(['rec-first', 'rec-other', 'rec-later']);
    expect((await library.folders()).length).toBe(3);
  });

  it('leaves out folders that are not recordings, and refuses ids that could name another path', async () => {
    await mkdir(path.join(dataDir, 'recordings', 'hall-1', 'empty-folder'), { recursive: true });
    await recording('hall-1', 'rec-mismatch', 0, []);
    // A timeline whose first line names another recording is not this one.
    const dir = path.join(dataDir, 'recordings', 'hall-1', 'rec-copied');
    await mkdir(dir);
    await writeFile(path.join(dir, 'timeline.jsonl'), JSON.stringify({ at: T0, offsetMs: 0, type: 'recording-started', recordingId: 'rec-mismatch', townHallId: 'hall-1' }) + '\n');

    expect((await library.list('hall-1')).map((r) => r.id)).toEqual(['rec-mismatch']);
    expect(await library.list('../etc')).toEqual([]);
    expect(await library.get('hall-1', '..')).toBeNull();
    expect(() => library.dir('hall-1', '../../x')).toThrow();
    expect(() => library.archiveVideo('..', 'rec-mismatch')).toThrow();
  });

  it('says an archive is waiting until the job writes one, and reads back what it wrote', async () => {
    await recording('hall-1', 'rec-1', 0, [], { stopped: 8 });
    expect(await library.archive('hall-1', 'rec-1')).toEqual({ recordingId: 'rec-1', townHallId: 'hall-1', status: 'waiting', progress: 0, durationMs: null });

    await library.writeArchive('hall-1', 'rec-1', { status: 'composing', progress: 0.4, durationMs: 8000 });
    expect(await library.archive('hall-1', 'rec-1')).toMatchObject({ status: 'composing', progress: 0.4, durationMs: 8000 });
    await library.writeArchive('hall-1', 'rec-1', { status: 'failed', progress: 0, durationMs: 8000, error: 'FFmpeg stopped (exit 1).' });
    expect(await library.archive('hall-1', 'rec-1')).toMatchObject({ status: 'failed', error: 'FFmpeg stopped (exit 1).' });
    // The file holds the archive less its ids, and no temporary file is left beside it.
    const dir = library.dir('hall-1', 'rec-1');
    expect(JSON.parse(await readFile(path.join(dir, 'archive.json'), 'utf8'))).toEqual({ status: 'failed', progress: 0, durationMs: 8000, error: 'FFmpeg stopped (exit 1).' });
    expect((await readdir(dir)).sort()).toEqual(['archive.json', 'timeline.jsonl']);
  });

  it('reads a damaged archive.json as no archive yet, and a damaged published.json as unpublished', async () => {
    const dir = await recording('hall-1', 'rec-1', 0, [], { stopped: 8 });
    await writeFile(path.join(dir, 'archive.json'), '{"status":"rea');
    await writeFile(path.join(dir, 'published.json'), 'not json');
    expect((await library.archive('hall-1', 'rec-1')).status).toBe('waiting');
    expect(await library.publication('hall-1', 'rec-1')).toEqual({ published: false });
  });

  it('keeps publication apart from the archive, so neither write undoes the other', async () => {
    await recording('hall-1', 'rec-1', 0, [], { stopped: 8 });
    expect(await library.publication('hall-1', 'rec-1')).toEqual({ published: true });
    await library.writePublication('hall-1', 'rec-1', { published: false, unpublishedReason: 'A resident asked for it.', changedAt: T0 });
    await library.writeArchive('hall-1', 'rec-1', { status: 'ready', progress: 1, durationMs: 8000 });
    expect(await library.publication('hall-1', 'rec-1')).toEqual({ published: false, unpublishedReason: 'A resident asked for it.', changedAt: T0 });
    expect((await library.archive('hall-1', 'rec-1')).status).toBe('ready');
  });

  it('lists recordings for the record page with their archive, publication and chapters', async () => {
    await recording(
      'hall-1',
      'rec-1',
      0,
      [
        [2, { type: 'answering', questionId: 'question-1' }],
        [5, { type: 'answering', questionId: null }],
        [6, { type: 'answering', questionId: 'question-2' }],
      ],
      { stopped: 10 },
    );
    const [listing] = await library.listings('hall-1');
    expect(listing).toEqual({
      id: 'rec-1',
      townHallId: 'hall-1',
      startedAt: T0,
      stoppedAt: T0 + 10_000,
      archive: { recordingId: 'rec-1', townHallId: 'hall-1', status: 'waiting', progress: 0, durationMs: null },
      published: true,
      chapters: [
        { questionId: 'question-1', startMs: 2000, endMs: 5000 },
        { questionId: 'question-2', startMs: 6000, endMs: 10_000 },
      ],
    });
  });

  it('removes a recording, and its town hall folder once empty', async () => {
    await recording('hall-1', 'rec-1', 0, [], { stopped: 1 });
    await recording('hall-1', 'rec-2', 5, [], { stopped: 1 });
    await library.remove('hall-1', 'rec-1');
    expect((await library.list('hall-1')).map((r) => r.id)).toEqual(['rec-2']);
    await library.remove('hall-1', 'rec-2');
    expect(await readdir(path.join(dataDir, 'recordings'))).toEqual([]);
  });
});
