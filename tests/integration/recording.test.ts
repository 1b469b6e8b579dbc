// Recording through the socket commands, with a real server, a real mediasoup worker and real
// FFmpeg: who may start and stop it, what everyone is told, and the refusals that change nothing.
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../shared/record.js';
import type { StaffRole } from '../../shared/roles.js';
import { command, nextEvent, startTestServer, unwrap, type ClientSocket, type Session, type TestServer } from '../support/server.js';

describe('recording a town hall through its hosts', () => {
  let server: TestServer;
  let dataDir: string;

  const enter = async (session: Session, townHallId: string): Promise<ClientSocket> => {
    const socket = await server.connect(session);
    unwrap(await command(socket, 'townhall:join', { townHallId }));
    return socket;
  };
  /** A town hall with its own host (an officer), who has joined it. */
  const hosted = async (status: 'live' | 'scheduled' = 'live') => {
    const session = await server.staff('officer', 'Officer Host');
    const { id: townHallId } = await server.townHall({ status, hosts: [{ id: session.me.id, displayName: session.me.displayName }] });
    return { townHallId, host: await enter(session, townHallId), session };
  };
  const recordingsOf = (townHallId: string) => readdir(path.join(dataDir, 'recordings', townHallId)).catch(() => []);

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'rt-recording-it-'));
    server = await startTestServer({ media: true, recording: { dataDir, minFreeBytes: 0 } });
  });
  afterAll(async () => {
    await server.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('tells everyone in the town hall, and every late joiner, while a host records', async () => {
    const { townHallId, host } = await hosted();
    const viewer = await enter(await server.guest('Viewer'), townHallId);
    const told = nextEvent(viewer, 'recording:changed');

    const state = unwrap(await command(host, 'recording:start', { townHallId }));
    expect(state).toEqual({ recording: true, since: expect.any(Number) });
    expect(await told).toEqual({ townHallId, state });
    const late = await server.connect(await server.guest('Late'));
    expect(unwrap(await command(late, 'townhall:join', { townHallId })).recording).toEqual(state);
    expect(await recordingsOf(townHallId)).toHaveLength(1);

    const stopped = nextEvent(viewer, 'recording:changed');
    expect(unwrap(await command(host, 'recording:stop', { townHallId }))).toEqual({ recording: false, since: null });
    expect((await stopped).state).toEqual({ recording: false, since: null });
  });

  it('is off by default', async () => {
    const { townHallId } = await hosted();
    const viewer = await server.connect(await server.guest('Viewer'));
    expect(unwrap(await command(viewer, 'townhall:join', { townHallId })).recording).toEqual({ recording: false, since: null });
  });

  it('refuses residents, moderators and staff who do not host it with FORBIDDEN, and records nothing', async () => {
    const { townHallId } = await hosted();
    const people: Array<Session> = [await server.guest('Resident'), ...(await Promise.all((['moderator', 'officer', 'captioner'] as StaffRole[]).map((r) => server.staff(r))))];
    for (const person of people) {
      const socket = await enter(person, townHallId);
      expect(await command(socket, 'recording:start', { townHallId })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    }
    expect(await recordingsOf(townHallId)).toEqual([]);
  });

  it('refuses a second start with CONFLICT and keeps the first recording', async () => {
    const { townHallId, host } = await hosted();
    const first = unwrap(await command(host, 'recording:start', { townHallId }));
    expect(await command(host, 'recording:start', { townHallId })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    const viewer = await server.connect(await server.guest('Viewer'));
    expect(unwrap(await command(viewer, 'townhall:join', { townHallId })).recording).toEqual(first);
    expect(await recordingsOf(townHallId)).toHaveLength(1);
    unwrap(await command(host, 'recording:stop', { townHallId }));
  });

  it('refuses to record a town hall that is not live with CONFLICT', async () => {
    const { townHallId, host } = await hosted('scheduled');
    expect(await command(host, 'recording:start', { townHallId })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    expect(await command(host, 'recording:stop', { townHallId })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    expect(await recordingsOf(townHallId)).toEqual([]);
  });

  it('refuses a malformed payload and a town hall the connection has not joined', async () => {
    const { townHallId, host } = await hosted();
    expect(await command(host, 'recording:start', { townHallId: 'x' } as never)).toMatchObject({ ok: false, error: { code: 'INVALID_PAYLOAD' } });
    const other = await hosted();
    expect(await command(host, 'recording:start', { townHallId: other.townHallId })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await recordingsOf(townHallId)).toEqual([]);
  });

  it('starts recording when a town hall goes live if the admins require it, and then hosts cannot stop it', async () => {
    await server.stores.settings.put({ ...DEFAULT_SETTINGS, requireRecording: true });
    try {
      const { townHallId, host } = await hosted('scheduled');
      const told = nextEvent(host, 'recording:changed');
      unwrap(await command(host, 'townhall:start', { townHallId }));
      expect((await told).state.recording).toBe(true);
      expect(await command(host, 'recording:stop', { townHallId })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
      const ended = nextEvent(host, 'recording:changed');
      unwrap(await command(host, 'townhall:end', { townHallId }));
      expect((await ended).state).toEqual({ recording: false, since: null });
    } finally {
      await server.stores.settings.put(DEFAULT_SETTINGS);
    }
  });
});

describe('recording with too little disk space', () => {
  it('refuses with UNAVAILABLE and DISK_LOW, and records nothing', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'rt-recording-full-'));
    const server = await startTestServer({ media: true, recording: { dataDir, minFreeBytes: Number.MAX_SAFE_INTEGER } });
    try {
      const session = await server.staff('officer', 'Officer Host');
      const { id: townHallId } = await server.townHall({ hosts: [{ id: session.me.id, displayName: session.me.displayName }] });
      const host = await server.connect(session);
      unwrap(await command(host, 'townhall:join', { townHallId }));
      expect(await command(host, 'recording:start', { townHallId })).toMatchObject({
        ok: false,
        error: { code: 'UNAVAILABLE', reason: 'DISK_LOW', message: expect.stringContaining('disk space') },
      });
      expect(unwrap(await command(host, 'townhall:join', { townHallId })).recording.recording).toBe(false);
      expect(await readdir(path.join(dataDir, 'recordings'))).toEqual([]);
    } finally {
      await server.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
