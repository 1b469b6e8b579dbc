import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { command, nextEvent, startTestServer, unwrap, type ClientSocket, type Session, type TestServer } from '../support/server.js';
import { mediaClient, opusParameters, vp8SimulcastParameters } from '../support/media.js';

// Bans and the town hall's end come through the stores, so both run.
describe.each(['sqlite', 'redis'] as const)('the stage on the %s store', (store) => {
  let server: TestServer;
  let officerSession: Session;
  let moderatorSession: Session;

  const joined = async (session: Session, townHallId: string): Promise<ClientSocket> => {
    const socket = await server.connect(session);
    unwrap(await command(socket, 'townhall:join', { townHallId }));
    await mediaClient(socket, townHallId).join();
    return socket;
  };
  const liveTownHall = async (status: 'live' | 'scheduled' = 'live') =>
    (await server.townHall({ status, hosts: [{ id: officerSession.me.id, displayName: officerSession.me.displayName }] })).id;
  const producersOf = (townHallId: string, userId: string) =>
    server.media?.existingMedia(townHallId)?.producers().filter((p) => p.appData.userId === userId) ?? [];

  /** A town hall with its host, a moderator and a resident, all in its media. */
  const scene = async () => {
    const townHallId = await liveTownHall();
    const residentSession = await server.guest('Rosa');
    const [host, moderator, resident, viewer] = await Promise.all([
      joined(officerSession, townHallId),
      joined(moderatorSession, townHallId),
      joined(residentSession, townHallId),
      server.guest('Viewer').then((s) => joined(s, townHallId)),
    ]);
    return { townHallId, host, moderator, resident, viewer, residentId: residentSession.me.id };
  };

  /** The resident raises a hand and the moderator brings them on stage; they publish camera and microphone. */
  const onStage = async (s: Awaited<ReturnType<typeof scene>>) => {
    unwrap(await command(s.resident, 'stage:raise-hand', { townHallId: s.townHallId }));
    unwrap(await command(s.moderator, 'stage:invite', { townHallId: s.townHallId, userId: s.residentId }));
    const client = mediaClient(s.resident, s.townHallId);
    const send = await client.transport('send');
    return { camera: await client.produce(send, 'camera'), microphone: await client.produce(send, 'microphone'), send };
  };

  beforeAll(async () => {
    server = await startTestServer({ store, media: true });
    officerSession = await server.staff('officer', 'Officer Diaz');
    moderatorSession = await server.staff('moderator', 'Mod Kim');
  });
  afterAll(() => server.close());

  it('queues a raised hand for staff, brings the resident on stage to publish, and sends them back at once', async () => {
    const s = await scene();
    const { townHallId } = s;
    const offStage = await command(s.resident, 'media:produce', {
      townHallId,
      transportId: await mediaClient(s.resident, townHallId).transport('send'),
      kind: 'audio',
      source: 'microphone',
      rtpParameters: opusParameters(),
    });
    expect(offStage).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });

    const hands = nextEvent(s.moderator, 'stage:hands-changed', (p) => p.hands.length === 1);
    const counted = nextEvent(s.viewer, 'stage:changed', (p) => p.stage.handCount === 1);
    let viewerSawHands = false;
    s.viewer.on('stage:hands-changed', () => (viewerSawHands = true));
    unwrap(await command(s.resident, 'stage:raise-hand', { townHallId }));
    expect((await hands).hands).toEqual([{ userId: s.residentId, displayName: 'Rosa', raisedAt: expect.any(Number) }]);
    expect((await counted).stage).toEqual({ speakers: [], handCount: 1, interpreter: null });

    const invited = nextEvent(s.resident, 'stage:you-changed');
    const speaking = nextEvent(s.viewer, 'stage:changed', (p) => p.stage.speakers.length === 1);
    unwrap(await command(s.moderator, 'stage:invite', { townHallId, userId: s.residentId }));
    expect(await invited).toEqual({ townHallId, onStage: true, handRaised: false });
    expect((await speaking).stage).toEqual({ speakers: [{ userId: s.residentId, displayName: 'Rosa' }], handCount: 0, interpreter: null });
    expect(viewerSawHands).toBe(false);

    const client = mediaClient(s.resident, townHallId);
    const send = await client.transport('send');
    const added = nextEvent(s.viewer, 'media:producer-added', (p) => p.producer.userId === s.residentId);
    const camera = await client.produce(send, 'camera');
    expect((await added).producer).toMatchObject({ id: camera, staff: false, source: 'camera', displayName: 'Rosa' });
    await client.produce(send, 'microphone');
    const screen = await command(s.resident, 'media:produce', { townHallId, transportId: send, kind: 'video', source: 'screen', rtpParameters: vp8SimulcastParameters() });
    expect(screen).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    const viewerClient = mediaClient(s.viewer, townHallId);
    const watching = await viewerClient.consume(await viewerClient.transport('recv'), camera);

    const closed = nextEvent(s.viewer, 'media:producer-closed', (p) => p.producerId === camera);
    const consumerClosed = nextEvent(s.viewer, 'media:consumer-closed', (p) => p.consumerId === watching.id);
    const sentBack = nextEvent(s.resident, 'stage:you-changed', (p) => !p.onStage);
    unwrap(await command(s.host, 'stage:send-back', { townHallId, userId: s.residentId }));
    // At once: by the time the host hears back, nothing of the resident's is published.
    expect(producersOf(townHallId, s.residentId)).toEqual([]);
    await Promise.all([closed, consumerClosed]);
    expect(await sentBack).toEqual({ townHallId, onStage: false, handRaised: false });
    const again = await command(s.resident, 'media:produce', { townHallId, transportId: send, kind: 'video', source: 'camera', rtpParameters: vp8SimulcastParameters() });
    expect(again).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  });

  it('lets hosts mute a speaker server side, and the speaker unmute and step down', async () => {
    const s = await scene();
    const { microphone } = await onStage(s);

    const byModerator = await command(s.moderator, 'stage:mute', { townHallId: s.townHallId, userId: s.residentId });
    expect(byModerator).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    const muted = nextEvent(s.viewer, 'media:producer-paused', (p) => p.producerId === microphone);
    unwrap(await command(s.host, 'stage:mute', { townHallId: s.townHallId, userId: s.residentId }));
    expect(await muted).toEqual({ townHallId: s.townHallId, producerId: microphone, paused: true });
    expect(server.media?.existingMedia(s.townHallId)?.producer(microphone)?.paused).toBe(true);
    unwrap(await command(s.resident, 'media:resume-producer', { townHallId: s.townHallId, producerId: microphone }));
    expect(server.media?.existingMedia(s.townHallId)?.producer(microphone)?.paused).toBe(false);

    unwrap(await command(s.resident, 'stage:send-back', { townHallId: s.townHallId, userId: s.residentId }));
    expect(producersOf(s.townHallId, s.residentId)).toEqual([]);
  });

  it('lets only hosts and moderators run the stage, only residents raise hands, and only while live', async () => {
    const s = await scene();
    const { townHallId } = s;
    const other = await server.guest('Other');
    const otherSocket = await joined(other, townHallId);
    unwrap(await command(otherSocket, 'stage:raise-hand', { townHallId }));
    // Staff who arrive later get the queue as they join.
    const lateModerator = await server.connect(await server.staff('moderator', 'Late mod'));
    unwrap(await command(lateModerator, 'townhall:join', { townHallId }));
    const queue = nextEvent(lateModerator, 'stage:hands-changed');
    await mediaClient(lateModerator, townHallId).join();
    expect((await queue).hands.map((h) => h.userId)).toEqual([other.me.id]);
    const outsiderOfficer = await joined(await server.staff('officer', 'Not a host'), townHallId);

    for (const [who, socket] of [['resident', s.resident], ['officer who is not a host', outsiderOfficer]] as const) {
      for (const event of ['stage:invite', 'stage:send-back', 'stage:mute'] as const) {
        const result = await command(socket, event, { townHallId, userId: other.me.id });
        expect({ who, event, result }).toMatchObject({ who, event, result: { ok: false, error: { code: 'FORBIDDEN' } } });
      }
    }
    for (const staff of [s.host, s.moderator]) {
      expect(await command(staff, 'stage:raise-hand', { townHallId })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    }
    const noHand = await command(s.host, 'stage:invite', { townHallId, userId: s.residentId });
    expect(noHand).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    const notOnStage = await command(s.host, 'stage:send-back', { townHallId, userId: s.residentId });
    expect(notOnStage).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    unwrap(await command(s.host, 'stage:invite', { townHallId, userId: other.me.id }));

    const scheduled = await liveTownHall('scheduled');
    const early = await joined(await server.guest('Early'), scheduled);
    expect(await command(early, 'stage:raise-hand', { townHallId: scheduled })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    const notInMedia = await server.connect(await server.guest('No video'));
    unwrap(await command(notInMedia, 'townhall:join', { townHallId }));
    expect(await command(notInMedia, 'stage:raise-hand', { townHallId })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
  });

  it("closes a banned speaker's media, takes them off stage and keeps them out", async () => {
    const s = await scene();
    await onStage(s);
    const media = server.media!.existingMedia(s.townHallId)!;
    const before = media.stats();

    const removed = nextEvent(s.resident, 'media:closed');
    const offStage = nextEvent(s.viewer, 'stage:changed', (p) => p.stage.speakers.length === 0);
    unwrap(await command(s.moderator, 'mod:sanction', { target: { userId: s.residentId }, kind: 'ban', townHallId: s.townHallId, reason: 'harassment' }));

    expect(await removed).toEqual({ townHallId: s.townHallId, reason: 'removed' });
    await offStage;
    expect(producersOf(s.townHallId, s.residentId)).toEqual([]);
    expect(media.stats()).toMatchObject({ transports: before.transports - 1, producers: before.producers - 2 });
    expect(await command(s.resident, 'media:join', { townHallId: s.townHallId })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  });

  it('closes every router and transport when the town hall ends, and refuses media after', async () => {
    const s = await scene();
    await onStage(s);
    const viewerClient = mediaClient(s.viewer, s.townHallId);
    await viewerClient.transport('recv');
    const routers = server.media!.existingMedia(s.townHallId)!.routers;
    const own = server.media!.existingMedia(s.townHallId)!.stats().transports;
    expect(own).toBe(2);
    const before = server.media!.stats();

    const ended = nextEvent(s.viewer, 'media:closed');
    unwrap(await command(s.host, 'townhall:end', { townHallId: s.townHallId }));

    expect(await ended).toEqual({ townHallId: s.townHallId, reason: 'ended' });
    await vi.waitFor(() => expect(routers.every((r) => r.closed)).toBe(true));
    expect(server.media!.existingMedia(s.townHallId)).toBeUndefined();
    expect(server.media!.stats()).toMatchObject({ routers: before.routers - 1, transports: before.transports - own });
    expect(await command(s.viewer, 'media:join', { townHallId: s.townHallId })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    expect(await command(s.resident, 'stage:raise-hand', { townHallId: s.townHallId })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
  });

  it('tells everyone when the worker dies, and lets them join again on a new router', async () => {
    const s = await scene();
    const lost = server.media!.existingMedia(s.townHallId)!.routers[0]!;

    const closed = nextEvent(s.viewer, 'media:closed');
    process.kill(lost.appData.workerPid, 'SIGKILL');

    expect(await closed).toEqual({ townHallId: s.townHallId, reason: 'workerdied' });
    const gone = await command(s.viewer, 'media:create-transport', { townHallId: s.townHallId, direction: 'recv' });
    expect(gone).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    await vi.waitFor(() => expect(server.media!.stats().workers).toBe(1));
    const again = await mediaClient(s.viewer, s.townHallId).join();
    expect(again.rtpCapabilities).toBeTruthy();
    expect(server.media!.existingMedia(s.townHallId)!.routers[0]!.id).not.toBe(lost.id);
    expect(await mediaClient(s.viewer, s.townHallId).transport('recv')).toMatch(/^[0-9a-f-]{36}$/);
  });
});
