// Admins follow the archival videos over HTTP, on a real server whose composer works on the
// recordings in its data folder: who may look, what they see, and asking again after a failure.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ArchiveInfo, ArchiveOverview } from '../../shared/recording.js';
import { RecordingLibrary } from '../../server/recording/library.js';
import { writeFixtureRecording } from '../support/recording-fixture.js';
import { startTestServer, type Session, type TestServer } from '../support/server.js';

describe('the archival videos on the admin page', () => {
  let server: TestServer;
  let dataDir: string;
  let library: RecordingLibrary;
  let admin: Session;
  let townHallId: string;

  const call = async (method: 'GET' | 'POST', route: string, session: Session | null) => {
    const res = await fetch(`${server.url}${route}`, {
      method,
      headers: { 'content-type': 'application/json', origin: server.url, ...(session ? { cookie: session.cookie } : {}) },
      ...(method === 'POST' ? { body: '{}' } : {}),
    });
    return {
      status: res.status,
      body: (await res.json()) as { archives?: ArchiveOverview[]; composing?: boolean; archive?: ArchiveInfo; error?: { code: string; message: string } },
    };
  };

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'rt-archives-it-'));
    library = new RecordingLibrary(dataDir);
    server = await startTestServer({ recording: { dataDir, minFreeBytes: 0 } });
    admin = await server.staff('admin', 'Admin');
    ({ id: townHallId } = await server.townHall({ title: 'Neighbourhood safety', status: 'ended' }));
    const startedAt = Date.now() - 3_600_000;
    const chief = { userId: 'user-chief', staff: true };
    // One whose composition failed, one ready: nothing for the running composer to do until
    // asked. Each archive.json is written before the timeline that makes the folder a recording.
    await library.writeArchive(townHallId, 'rec-failed', { status: 'failed', progress: 0, durationMs: 2000, error: 'FFmpeg stopped (exit 1): Conversion failed!' });
    await writeFixtureRecording(dataDir, {
      townHallId,
      recordingId: 'rec-failed',
      startedAt,
      tracks: [
        { trackId: 'cam', kind: 'video', source: 'camera', participant: chief, startS: 0, endS: 2 },
        { trackId: 'mic', kind: 'audio', source: 'microphone', participant: chief, startS: 0, endS: 2 },
      ],
      stoppedS: 2,
    });
    await library.writeArchive(townHallId, 'rec-ready', { status: 'ready', progress: 1, durationMs: 1000 });
    await writeFixtureRecording(dataDir, { townHallId, recordingId: 'rec-ready', startedAt: startedAt + 60_000, tracks: [], stoppedS: 1 });
  });
  afterAll(async () => {
    await server?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it("lists every recording's archive for admins, newest first, with the town hall's title", async () => {
    const { status, body } = await call('GET', '/api/admin/archives', admin);
    expect(status).toBe(200);
    expect(body.composing).toBe(true);
    expect(body.archives).toEqual([
      expect.objectContaining({ recordingId: 'rec-ready', townHallId, status: 'ready', progress: 1, durationMs: 1000, title: 'Neighbourhood safety', stoppedAt: expect.any(Number) }),
      expect.objectContaining({ recordingId: 'rec-failed', status: 'failed', error: 'FFmpeg stopped (exit 1): Conversion failed!', title: 'Neighbourhood safety' }),
    ]);
  });

  it('refuses everyone but admins', async () => {
    expect((await call('GET', '/api/admin/archives', null)).body.error?.code).toBe('UNAUTHENTICATED');
    for (const person of [await server.guest('Resident'), await server.staff('officer'), await server.staff('moderator')]) {
      const list = await call('GET', '/api/admin/archives', person);
      expect([list.status, list.body.error?.code]).toEqual([403, 'FORBIDDEN']);
      const retry = await call('POST', `/api/admin/archives/${townHallId}/rec-failed/retry`, person);
      expect([retry.status, retry.body.error?.code]).toEqual([403, 'FORBIDDEN']);
    }
    expect((await library.archive(townHallId, 'rec-failed')).status).toBe('failed');
  });

  it('answers NOT_FOUND for a recording that does not exist, or an id that is not one', async () => {
    for (const route of [`/api/admin/archives/${townHallId}/rec-missing/retry`, `/api/admin/archives/${townHallId}/x/retry`, '/api/admin/archives/../rec-failed/retry']) {
      const { status, body } = await call('POST', route, admin);
      expect([status, body.error?.code]).toEqual([404, 'NOT_FOUND']);
    }
  });

  it('composes a failed archive again when an admin asks, and leaves a ready one alone', async () => {
    const ready = await call('POST', `/api/admin/archives/${townHallId}/rec-ready/retry`, admin);
    expect([ready.status, ready.body.archive?.status]).toEqual([200, 'ready']);

    const again = await call('POST', `/api/admin/archives/${townHallId}/rec-failed/retry`, admin);
    expect(again.status).toBe(200);
    expect(['waiting', 'composing', 'ready']).toContain(again.body.archive?.status);
    // The composer picks it up in the background; the admin page reads the list again until then.
    let archive: ArchiveOverview | undefined;
    for (const until = Date.now() + 30_000; Date.now() < until; await new Promise((resolve) => setTimeout(resolve, 200))) {
      archive = (await call('GET', '/api/admin/archives', admin)).body.archives?.find((a) => a.recordingId === 'rec-failed');
      if (archive?.status === 'ready' || archive?.status === 'failed') break;
    }
    expect(archive).toMatchObject({ status: 'ready', progress: 1, durationMs: 2000 });
    expect(archive?.error).toBeUndefined();
  });

  it('leaves recordings waiting on a node with composition off, says so to admins, and composes them at a start with it on', async () => {
    const offDir = await mkdtemp(path.join(os.tmpdir(), 'rt-archives-off-'));
    try {
      const off = await startTestServer({ recording: { dataDir: offDir, minFreeBytes: 0, compose: false } });
      const hall = (await off.townHall({ title: 'Composed later', status: 'ended' })).id;
      const chief = { userId: 'user-chief', staff: true };
      await writeFixtureRecording(offDir, {
        townHallId: hall,
        recordingId: 'rec-later',
        startedAt: Date.now() - 60_000,
        tracks: [{ trackId: 'cam', kind: 'video', source: 'camera', participant: chief, startS: 0, endS: 2 }],
        stoppedS: 2,
      });
      const offAdmin = await off.staff('admin', 'Admin');
      const res = await fetch(`${off.url}/api/admin/archives`, { headers: { cookie: offAdmin.cookie } });
      const body = (await res.json()) as { archives: ArchiveOverview[]; composing: boolean };
      expect(body.composing).toBe(false);
      expect(body.archives.map((a) => [a.recordingId, a.status])).toEqual([['rec-later', 'waiting']]);
      await off.close();
      expect((await new RecordingLibrary(offDir).archive(hall, 'rec-later')).status).toBe('waiting');

      // The same folder on a node that composes: the waiting recording is composed at its start.
      const on = await startTestServer({ recording: { dataDir: offDir, minFreeBytes: 0 } });
      try {
        // It composes in the background, as the admin page sees it: read until it is done.
        const later = new RecordingLibrary(offDir);
        let archive = await later.archive(hall, 'rec-later');
        for (const until = Date.now() + 60_000; Date.now() < until && (archive.status === 'waiting' || archive.status === 'composing'); ) {
          await new Promise((resolve) => setTimeout(resolve, 200));
          archive = await later.archive(hall, 'rec-later');
        }
        expect(archive).toMatchObject({ status: 'ready', durationMs: 2000 });
      } finally {
        await on.close();
      }
    } finally {
      await rm(offDir, { recursive: true, force: true });
    }
  });
});
