import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { command, nextEvent, startTestServer, unwrap, type ClientSocket, type Session, type TestServer } from '../support/server.js';
import { mediaClient, vp8SimulcastParameters } from '../support/media.js';

// The interpreter is kept with the stage in the coordination seam, so both stores run.
describe.each(['sqlite', 'redis'] as const)('the sign-language interpreter on the %s store', (store) => {
  let server: TestServer;
  let officerSession: Session;

  const joined = async (session: Session, townHallId: string): Promise<ClientSocket> => {
    const socket = await server.connect(session);
    unwrap(await command(socket, 'townhall:join', { townHallId }));
    await mediaClient(socket, townHallId).join();
    return socket;
  };
  const producersOf = (townHallId: string, userId: string) =>
    server.media?.existingMedia(townHallId)?.producers().filter((p) => p.appData.userId === userId) ?? [];

  /** A live town hall with its host, a staff interpreter, a moderator, a resident and another officer. */
  const scene = async () => {
    const townHallId = (await server.townHall({ status: 'live', hosts: [{ id: officerSession.me.id, displayName: officerSession.me.displayName }] })).id;
    const [interpreterSession, moderatorSession, residentSession, outsiderSession] = await Promise.all([
      server.staff('captioner', 'Kim Signs'),
      server.staff('moderator', 'Mod Lee'),
      server.guest('Rosa'),
      server.staff('officer', 'Not a host'),
    ]);
    const [host, interpreter, moderator, resident, outsider] = await Promise.all([
      joined(officerSession, townHallId),
      joined(interpreterSession, townHallId),
      joined(moderatorSession, townHallId),
      joined(residentSession, townHallId),
      joined(outsiderSession, townHallId),
    ]);
    return { townHallId, host, interpreter, moderator, resident, outsider, interpreterId: interpreterSession.me.id, residentId: residentSession.me.id };
  };

  beforeAll(async () => {
    server = await startTestServer({ store, media: true });
    officerSession = await server.staff('officer', 'Officer Diaz');
  });
  afterAll(() => server.close());

  it('lets a host mark a staff interpreter everyone sees, who publishes a camera and never a screen', async () => {
    const s = await scene();
    const { townHallId } = s;
    const before = await command(s.interpreter, 'media:produce', {
      townHallId,
      transportId: await mediaClient(s.interpreter, townHallId).transport('send'),
      kind: 'video',
      source: 'camera',
      rtpParameters: vp8SimulcastParameters(),
    });
    expect(before).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });

    const candidates = unwrap(await command(s.host, 'stage:interpreter-candidates', { townHallId }));
    expect(candidates.map((c) => c.displayName).sort()).toEqual(['Kim Signs', 'Mod Lee', 'Not a host', 'Officer Diaz']);

    const seen = nextEvent(s.resident, 'stage:changed', (p) => p.stage.interpreter !== null);
    unwrap(await command(s.host, 'stage:set-interpreter', { townHallId, userId: s.interpreterId }));
    expect((await seen).stage.interpreter).toEqual({ userId: s.interpreterId, displayName: 'Kim Signs' });
    // Someone joining later learns it with the stage, and the interpreter that they may publish.
    const again = await mediaClient(s.interpreter, townHallId).join();
    expect(again).toMatchObject({ canPublish: true, stage: { interpreter: { userId: s.interpreterId } } });

    const client = mediaClient(s.interpreter, townHallId);
    const send = await client.transport('send');
    const added = nextEvent(s.resident, 'media:producer-added', (p) => p.producer.userId === s.interpreterId);
    const camera = await client.produce(send, 'camera');
    expect((await added).producer).toMatchObject({ id: camera, source: 'camera', staff: true, displayName: 'Kim Signs' });
    await client.produce(send, 'microphone');

    let screenAnnounced = false;
    s.resident.on('media:producer-added', (p) => (screenAnnounced ||= p.producer.source === 'screen'));
    const screen = await command(s.interpreter, 'media:produce', { townHallId, transportId: send, kind: 'video', source: 'screen', rtpParameters: vp8SimulcastParameters() });
    expect(screen).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(producersOf(townHallId, s.interpreterId).map((p) => p.appData.source).sort()).toEqual(['camera', 'microphone']);

    // Unmarked, a staff member who is not a host loses the right and what it allowed.
    const cleared = nextEvent(s.resident, 'stage:changed', (p) => p.stage.interpreter === null);
    const closed = nextEvent(s.resident, 'media:producer-closed', (p) => p.producerId === camera);
    unwrap(await command(s.host, 'stage:set-interpreter', { townHallId, userId: null }));
    await Promise.all([cleared, closed]);
    expect(producersOf(townHallId, s.interpreterId)).toEqual([]);
    expect(screenAnnounced).toBe(false);
  });

  it('keeps a host marked as interpreter from sharing a screen', async () => {
    const s = await scene();
    unwrap(await command(s.host, 'stage:set-interpreter', { townHallId: s.townHallId, userId: officerSession.me.id }));
    const client = mediaClient(s.host, s.townHallId);
    const send = await client.transport('send');
    await client.produce(send, 'camera');
    const screen = await command(s.host, 'media:produce', { townHallId: s.townHallId, transportId: send, kind: 'video', source: 'screen', rtpParameters: vp8SimulcastParameters() });
    expect(screen).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    unwrap(await command(s.host, 'stage:set-interpreter', { townHallId: s.townHallId, userId: null }));
    // A listed host keeps their camera when unmarked, and may share a screen again.
    expect(producersOf(s.townHallId, officerSession.me.id)).toHaveLength(1);
    // (A transport of its own: the test's hand-written parameters reuse the camera's mid.)
    expect(await client.produce(await client.transport('send'), 'screen')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('lets only the hosts of this town hall mark, and only staff in it or residents on stage', async () => {
    const s = await scene();
    const { townHallId } = s;
    for (const [who, socket] of [['resident', s.resident], ['moderator', s.moderator], ['officer who is not a host', s.outsider]] as const) {
      for (const [event, payload] of [
        ['stage:set-interpreter', { townHallId, userId: s.interpreterId }],
        ['stage:set-interpreter', { townHallId, userId: null }],
        ['stage:interpreter-candidates', { townHallId }],
      ] as const) {
        const result = await command(socket, event, payload as never);
        expect({ who, event, result }).toMatchObject({ who, event, result: { ok: false, error: { code: 'FORBIDDEN' } } });
      }
    }
    // A resident not on stage, and a staff member not in this town hall, cannot be marked.
    const absent = await server.staff('captioner', 'Elsewhere');
    for (const userId of [s.residentId, absent.me.id]) {
      expect(await command(s.host, 'stage:set-interpreter', { townHallId, userId })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    }
    expect(await command(s.host, 'stage:set-interpreter', { townHallId, userId: 'not a valid id!' })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_PAYLOAD' },
    });
    expect((await mediaClient(s.resident, townHallId).join()).stage.interpreter).toBeNull();
  });

  it('unmarks a resident interpreter when they leave the stage, and replaces one interpreter with another', async () => {
    const s = await scene();
    const { townHallId } = s;
    unwrap(await command(s.host, 'stage:set-interpreter', { townHallId, userId: s.interpreterId }));
    unwrap(await command(s.resident, 'stage:raise-hand', { townHallId }));
    unwrap(await command(s.host, 'stage:invite', { townHallId, userId: s.residentId }));
    const replaced = nextEvent(s.moderator, 'stage:changed', (p) => p.stage.interpreter?.userId === s.residentId);
    unwrap(await command(s.host, 'stage:set-interpreter', { townHallId, userId: s.residentId }));
    expect((await replaced).stage.interpreter).toEqual({ userId: s.residentId, displayName: 'Rosa' });

    const client = mediaClient(s.resident, townHallId);
    const send = await client.transport('send');
    await client.produce(send, 'camera');
    const screen = await command(s.resident, 'media:produce', { townHallId, transportId: send, kind: 'video', source: 'screen', rtpParameters: vp8SimulcastParameters() });
    expect(screen).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });

    const gone = nextEvent(s.moderator, 'stage:changed', (p) => p.stage.speakers.length === 0);
    unwrap(await command(s.host, 'stage:send-back', { townHallId, userId: s.residentId }));
    expect((await gone).stage.interpreter).toBeNull();
    expect(producersOf(townHallId, s.residentId)).toEqual([]);
  });
});
