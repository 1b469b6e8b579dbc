// The recordings of a town hall as the record page reads them over HTTP: the archival video
// with Range, captions and chapters as WebVTT, the raw tracks for admins, unpublishing with the
// reason on the audit chain, and the retention sweep. The recordings are real folders with a
// real WebM made by FFmpeg (tests/support/archive.ts).
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../shared/record.js';
import type { PlayableRecording, RawTrackFile } from '../../shared/recording.js';
import { createLogger } from '../../server/core/log.js';
import { verifyChain } from '../../server/moderation/audit.js';
import { RecordingLibrary } from '../../server/recording/library.js';
import { sweepRecordings } from '../../server/recording/retention.js';
import { TimelineFactsCache } from '../../server/recording/timeline-facts.js';
import { makeArchivedRecording, type MadeArchive } from '../support/archive.js';
import { command, startTestServer, unwrap, type Session, type TestServer } from '../support/server.js';

const run = promisify(execFile);
const DAY_MS = 24 * 3600_000;

describe('recordings on the record page', () => {
  let server: TestServer;
  let dataDir: string;
  let townHallId: string;
  let questionId: string;
  let archive: MadeArchive;
  let admin: Session, resident: Session;

  const url = (rest = '') => `${server.url}/api/townhalls/${townHallId}/recordings${rest}`;
  const get = (target: string, session?: Session, headers: Record<string, string> = {}) =>
    fetch(target, { headers: { ...headers, ...(session ? { cookie: session.cookie } : {}) } });
  const post = (target: string, body: unknown, session?: Session) =>
    fetch(target, { method: 'POST', headers: { 'content-type': 'application/json', ...(session ? { cookie: session.cookie } : {}) }, body: JSON.stringify(body) });
  const list = async (session?: Session): Promise<PlayableRecording[]> => {
    const res = await get(url(), session);
    expect(res.status).toBe(200);
    return ((await res.json()) as { recordings: PlayableRecording[] }).recordings;
  };
  const codeOf = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code;

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'rt-player-'));
    // The archives are made by the fixture: no composition job runs here (tests/media/compose.test.ts tests it).
    server = await startTestServer({ recording: { dataDir, compose: false } });
    [admin, resident] = await Promise.all([server.staff('admin', 'Admin Ada'), server.guest('Rosa Resident')]);
    const officerSession = await server.staff('officer', 'Sgt. Kim');
    townHallId = (await server.townHall({ title: 'Eastside', hosts: [{ id: officerSession.me.id, displayName: 'Sgt. Kim' }] })).id;
    const officer = await server.connect(officerSession);
    const rosa = await server.connect(resident);
    for (const s of [officer, rosa]) unwrap(await command(s, 'townhall:join', { townHallId }));
    questionId = unwrap(await command(rosa, 'qa:ask', { townHallId, text: 'Will the station open on Sundays?', anonymous: false })).id;
    unwrap(await command(officer, 'qa:set-answer-state', { questionId, state: 'answering' }));
    unwrap(await command(officer, 'qa:set-answer-state', { questionId, state: 'answered' }));
    await server.app.townHalls.end(townHallId, (await server.app.identity.sessionUser(officerSession.me.id))!);
    archive = await makeArchivedRecording({
      dataDir,
      townHallId,
      durationS: 6,
      captions: [
        { s: 0.5, text: 'Good evening, and welcome.' },
        { s: 2, text: 'First, the <station> & its hours.' },
      ],
      answering: [
        { s: 2, questionId },
        { s: 5, questionId: null },
      ],
    });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('lists a published, ready recording to anyone, with its chapters and caption lines', async () => {
    const [recording, ...others] = await list();
    expect(others).toEqual([]);
    expect(recording).toMatchObject({
      id: archive.recordingId,
      townHallId,
      published: true,
      archive: { status: 'ready', progress: 1, durationMs: 6000 },
      chapters: [{ questionId, startMs: 2000, endMs: 5000 }],
      unpublishedReason: null,
    });
    expect(recording!.captions!.map((c) => [c.startMs, c.endMs, c.text])).toEqual([
      [500, 2000, 'Good evening, and welcome.'],
      [2000, 9000, 'First, the <station> & its hours.'],
    ]);
  });

  it('serves the video in ranges, as a player seeking asks for it', async () => {
    const whole = await readFile(path.join(archive.dir, 'archive.webm'));
    const res = await get(url(`/${archive.recordingId}/video.webm`), undefined, { range: 'bytes=100-199' });
    expect(res.status).toBe(206);
    expect(res.headers.get('content-type')).toBe('video/webm');
    expect(res.headers.get('content-range')).toBe(`bytes 100-199/${whole.length}`);
    expect(Buffer.from(await res.arrayBuffer())).toEqual(whole.subarray(100, 200));
    const download = await get(url(`/${archive.recordingId}/video.webm?download=1`));
    expect(download.headers.get('content-disposition')).toContain(`roundtable-${townHallId}-${archive.recordingId}.webm`);
    expect(Buffer.from(await download.arrayBuffer()).equals(whole)).toBe(true);
  });

  it('gives the captions as WebVTT that FFmpeg reads back line for line', async () => {
    const res = await get(url(`/${archive.recordingId}/captions.vtt`));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/vtt/);
    const text = await res.text();
    expect(text).toContain('00:00:02.000 --> 00:00:09.000\nFirst, the &lt;station&gt; &amp; its hours.');
    const file = path.join(dataDir, 'captions.vtt');
    await writeFile(file, text);
    const { stdout } = await run('ffprobe', ['-v', 'error', '-show_entries', 'packet=pts_time,duration_time', '-of', 'json', file]);
    const { packets } = JSON.parse(stdout) as { packets: { pts_time: string; duration_time: string }[] };
    expect(packets.map((p) => [Number(p.pts_time), Number(p.duration_time)])).toEqual([
      [0.5, 1.5],
      [2, 7],
    ]);
  });

  it("names the chapters with the record's questions, in the reader's language when it has to number them", async () => {
    const res = await get(url(`/${archive.recordingId}/chapters.vtt?lang=es`));
    expect(await res.text()).toBe('WEBVTT\n\nchapter-1\n00:00:02.000 --> 00:00:05.000\nWill the station open on Sundays?\n');
    await server.stores.settings.put({ ...DEFAULT_SETTINGS, publish: { ...DEFAULT_SETTINGS.publish, questions: false } });
    server.app.records.forget();
    try {
      expect(await (await get(url(`/${archive.recordingId}/chapters.vtt?lang=es`))).text()).toContain('\nPregunta 1\n');
    } finally {
      await server.stores.settings.put(DEFAULT_SETTINGS);
      server.app.records.forget();
    }
  });

  it('gives a captions track per language the lines were typed in, and refuses what is not a language tag', async () => {
    const hall = (await server.townHall({ title: 'Two languages' })).id;
    const both = await makeArchivedRecording({
      dataDir,
      townHallId: hall,
      durationS: 6,
      captions: [
        { s: 1, text: 'Good evening.', lang: 'en' },
        { s: 1.5, text: 'Buenas noches.', lang: 'es' },
        { s: 3, text: 'Welcome.', lang: 'en' },
        { s: 4, text: 'Typed before languages were kept.' },
      ],
    });
    const at = (rest: string) => `${server.url}/api/townhalls/${hall}/recordings/${both.recordingId}${rest}`;
    const res = await get(`${server.url}/api/townhalls/${hall}/recordings`);
    const [recording] = ((await res.json()) as { recordings: PlayableRecording[] }).recordings;
    expect(recording!.captions!.map((c) => [c.lang, c.startMs, c.endMs])).toEqual([
      ['en', 1000, 3000],
      ['es', 1500, 8500],
      ['en', 3000, 10_000],
      [null, 4000, 11_000],
    ]);
    const spanish = await get(at('/captions.vtt?lang=es&download=1'));
    expect(spanish.headers.get('content-disposition')).toContain(`roundtable-${hall}-${both.recordingId}-captions-es.vtt`);
    expect(await spanish.text()).toMatch(/^WEBVTT\n\n[^\n]+\n00:00:01\.500 --> 00:00:08\.500\nBuenas noches\.\n$/);
    expect(await (await get(at('/captions.vtt?lang=en'))).text()).not.toContain('Buenas');
    expect(await (await get(at('/captions.vtt?lang=und'))).text()).toMatch(/Typed before languages were kept\.\n$/);
    expect((await (await get(at('/captions.vtt'))).text()).match(/-->/g)).toHaveLength(4);
    for (const lang of ['Spanish!', 'es_MX', '']) {
      const bad = await get(at(`/captions.vtt?lang=${encodeURIComponent(lang)}`));
      expect(bad.status, lang).toBe(400);
      expect(await codeOf(bad)).toBe('INVALID_PAYLOAD');
    }
  });

  it('publishes no captions when the admins do not publish them', async () => {
    await server.stores.settings.put({ ...DEFAULT_SETTINGS, publish: { ...DEFAULT_SETTINGS.publish, captions: false } });
    try {
      expect((await list())[0]!.captions).toBeNull();
      const res = await get(url(`/${archive.recordingId}/captions.vtt`));
      expect(res.status).toBe(404);
      expect(await codeOf(res)).toBe('NOT_FOUND');
    } finally {
      await server.stores.settings.put(DEFAULT_SETTINGS);
    }
  });

  it('answers NOT_FOUND for unknown and malformed ids, and for a town hall that does not exist', async () => {
    for (const target of [
      url('/UnknownRecording1/video.webm'),
      url('/UnknownRecording1/captions.vtt'),
      url('/..%2F..%2Fetc/video.webm'),
      `${server.url}/api/townhalls/NoSuchTownHall1/recordings`,
      `${server.url}/api/townhalls/NoSuchTownHall1/recordings/${archive.recordingId}/video.webm`,
    ]) {
      const res = await get(target, admin);
      expect(res.status, target).toBe(404);
      expect(await codeOf(res)).toBe('NOT_FOUND');
    }
  });

  it('lists the raw tracks to admins only, and gives only the files the timeline names', async () => {
    const forbidden = await get(url(`/${archive.recordingId}/tracks`), resident);
    expect(forbidden.status).toBe(403);
    expect(await codeOf(forbidden)).toBe('FORBIDDEN');
    expect((await get(url(`/${archive.recordingId}/tracks/${archive.trackFile}`))).status).toBe(401);

    const res = await get(url(`/${archive.recordingId}/tracks`), admin);
    const { tracks } = (await res.json()) as { tracks: RawTrackFile[] };
    const onDisk = await readFile(path.join(archive.dir, archive.trackFile));
    expect(tracks).toEqual([{ file: archive.trackFile, kind: 'video', source: 'camera', bytes: onDisk.length }]);
    const file = await get(url(`/${archive.recordingId}/tracks/${archive.trackFile}`), admin);
    expect(file.headers.get('content-disposition')).toContain(archive.trackFile);
    expect(Buffer.from(await file.arrayBuffer()).equals(onDisk)).toBe(true);
    for (const other of ['timeline.jsonl', 'archive.json', 'archive.webm', '..%2F..%2Frt.db']) {
      expect((await get(url(`/${archive.recordingId}/tracks/${other}`), admin)).status, other).toBe(404);
    }
  });

  it('lets only an admin unpublish, with a reason written to the audit chain, after which only admins find it', async () => {
    const unpublish = url(`/${archive.recordingId}/unpublish`);
    const byResident = await post(unpublish, { reason: 'I do not like it' }, resident);
    expect(byResident.status).toBe(403);
    expect(await codeOf(byResident)).toBe('FORBIDDEN');
    expect((await post(unpublish, { reason: 'no session' })).status).toBe(401);
    const noReason = await post(unpublish, { reason: ' ' }, admin);
    expect(await codeOf(noReason)).toBe('INVALID_PAYLOAD');
    expect((await list())[0]!.published).toBe(true);

    const reason = 'A bystander’s face is shown; redaction requested by records unit';
    const res = await post(unpublish, { reason }, admin);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { recording: PlayableRecording }).recording).toMatchObject({ published: false, unpublishedReason: reason });

    const entries = await server.stores.audit.list(0, 1000);
    expect(verifyChain(entries)).toEqual({ ok: true, entries: entries.length });
    expect(entries.at(-1)).toMatchObject({
      action: 'recording-unpublish',
      target: `recording:${archive.recordingId}`,
      reason,
      note: `townhall:${townHallId}`,
      actorId: admin.me.id,
      actorName: 'Admin Ada',
    });

    expect(await list()).toEqual([]);
    expect(await list(resident)).toEqual([]);
    expect((await list(admin))[0]).toMatchObject({ published: false, unpublishedReason: reason });
    for (const file of ['video.webm', 'captions.vtt', 'chapters.vtt']) {
      for (const who of [undefined, resident]) {
        const hidden = await get(url(`/${archive.recordingId}/${file}`), who);
        expect(hidden.status, file).toBe(404);
        expect(await codeOf(hidden)).toBe('NOT_FOUND');
      }
    }
    expect((await get(url(`/${archive.recordingId}/video.webm`), admin)).status).toBe(200);
    // The record's moderation totals are about residents' content, not this.
    expect(JSON.stringify((await (await get(`${server.url}/api/townhalls/${townHallId}/record`)).json()))).not.toContain('recording-unpublish');

    expect(await codeOf(await post(unpublish, { reason: 'again, twice' }, admin))).toBe('CONFLICT');
    expect(await codeOf(await post(url(`/${archive.recordingId}/publish`), {}, resident))).toBe('FORBIDDEN');
    const again = await post(url(`/${archive.recordingId}/publish`), {}, admin);
    expect(again.status).toBe(200);
    expect((await server.stores.audit.list(0, 1000)).at(-1)).toMatchObject({ action: 'recording-publish', reason: null, actorId: admin.me.id });
    expect((await list())[0]!.published).toBe(true);
    expect(await codeOf(await post(url(`/${archive.recordingId}/publish`), {}, admin))).toBe('CONFLICT');
  });

  it('hides a recording whose video is still being made from the public, and shows admins its status', async () => {
    const waiting = await makeArchivedRecording({ dataDir, townHallId, compose: false });
    try {
      expect((await list()).map((r) => r.id)).toEqual([archive.recordingId, waiting.recordingId]);
      expect((await list()).find((r) => r.id === waiting.recordingId)!.archive.status).toBe('waiting');
      expect((await get(url(`/${waiting.recordingId}/video.webm`))).status).toBe(404);
      const library = new RecordingLibrary(dataDir);
      await library.writeArchive(townHallId, waiting.recordingId, { status: 'failed', progress: 0.2, durationMs: 6000, error: 'ffmpeg exited with 1 reading 001-camera-video.mkv' });
      expect((await list()).map((r) => r.id)).toEqual([archive.recordingId]);
      expect((await list(admin)).find((r) => r.id === waiting.recordingId)!.archive.error).toContain('ffmpeg exited');
    } finally {
      await new RecordingLibrary(dataDir).remove(townHallId, waiting.recordingId);
    }
  });

  it('deletes recordings once the days the admins keep them have passed, and keeps them when no retention is set', async () => {
    const library = new RecordingLibrary(dataDir);
    const old = await makeArchivedRecording({ dataDir, townHallId, compose: false, startedAt: Date.now() - 3 * DAY_MS });
    // Read once (its timeline is kept), so the sweep must be noticed by the routes too.
    expect((await list()).map((r) => r.id)).toEqual([old.recordingId, archive.recordingId]);
    const log = createLogger('silent');
    const sweep = (days: number | null) =>
      sweepRecordings({ library, settings: { get: async () => ({ ...DEFAULT_SETTINGS, recordingRetentionDays: days }) }, recordingNow: () => null, log });
    expect(await sweep(null)).toBe(0);
    expect(await sweep(7)).toBe(0);
    expect(existsSync(old.dir)).toBe(true);
    // Being composed: left for a later sweep.
    await library.writeArchive(townHallId, old.recordingId, { status: 'composing', progress: 0.5, durationMs: 6000 });
    expect(await sweep(2)).toBe(0);
    await library.writeArchive(townHallId, old.recordingId, { status: 'ready', progress: 1, durationMs: 6000 });
    expect(await sweep(2)).toBe(1);
    expect(existsSync(old.dir)).toBe(false);
    expect(existsSync(archive.dir)).toBe(true);
    expect((await list()).map((r) => r.id)).toEqual([archive.recordingId]);
    expect((await get(url(`/${old.recordingId}/captions.vtt`), admin)).status).toBe(404);
  });

  it("reads a stopped recording's timeline once for every reader, and an open one each time", async () => {
    let reads = 0;
    class CountingLibrary extends RecordingLibrary {
      override async timeline(th: string, rec: string) {
        reads += 1;
        return super.timeline(th, rec);
      }
    }
    const cache = new TimelineFactsCache(new CountingLibrary(dataDir));
    const first = await cache.get(townHallId, archive.recordingId);
    await Promise.all(Array.from({ length: 20 }, () => cache.get(townHallId, archive.recordingId)));
    expect(reads).toBe(1);
    expect(first!.captions.map((c) => c.text)).toEqual(['Good evening, and welcome.', 'First, the <station> & its hours.']);

    const open = await makeArchivedRecording({ dataDir, townHallId, compose: false, open: true });
    try {
      reads = 0;
      expect((await cache.get(townHallId, open.recordingId))!.info.stoppedAt).toBeNull();
      await cache.get(townHallId, open.recordingId);
      expect(reads).toBe(2);
    } finally {
      await new RecordingLibrary(dataDir).remove(townHallId, open.recordingId);
    }
  });
});
