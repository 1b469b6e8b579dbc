import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import { Server } from 'socket.io';
import { placeKey } from '../shared/moderation.js';
import { guardRecovery, RECOVERY_WINDOW_MS } from './core/recovery.js';
import { capSockets, DEFAULT_SOCKET_CAPS } from './core/socket-caps.js';
import { rooms, type AppServer } from './core/types.js';
import { registerBackchannel } from './backchannel/handlers.js';
import { scheduleBackchannelPurge } from './backchannel/retention.js';
import { registerCaptions } from './captions/handlers.js';
import { registerChat } from './chat/handlers.js';
import { registerForum } from './forum/handlers.js';
import { compileTrust, networkKeyer } from './http/address.js';
import { createOriginCheck, loopbackOrigins } from './http/origin.js';
import { createIdentityService } from './identity/service.js';
import { createPseudonyms } from './identity/pseudonyms.js';
import { createSessions } from './identity/sessions.js';
import { authenticateSockets } from './identity/socket-auth.js';
import { registerModeration } from './moderation/handlers.js';
import { createModerationCore } from './moderation/pipeline.js';
import { createPersonalInfoScreen } from './moderation/personal-info.js';
import { registerPolls } from './polls/handlers.js';
import { createPollReader } from './polls/service.js';
import { registerQa } from './qa/handlers.js';
import { registerQaAdvance } from './qa/advance.js';
import { SIMILAR_MAX_AGE_MS, SIMILAR_MAX_AGE_SQLITE_MS } from './qa/similar.js';
import { createQuestionReader } from './qa/service.js';
import { registerNotices } from './notifications/handlers.js';
import { createCaptionService } from './captions/service.js';
import { createChatService } from './chat/service.js';
import { cacheRecords, watchAudit } from './record/cache.js';
import { createRecordService, schedulePurge } from './record/service.js';
import { composeFollowThrough } from './follow-through.js';
import { mountHttp } from './http-app.js';
import { isUnavailable } from './storage/unavailable.js';
import { registerTownHall } from './townhall/handlers.js';
import { registerMedia } from './townhall/media-handlers.js';
import { registerPresenter } from './townhall/presenter.js';
import { createTownHallRoom } from './townhall/room.js';
import { createRoomFrames } from './townhall/frames.js';
import { DEFAULT_WRITES_PER_SECOND } from './townhall/frame-tick.js';
import { monitorLoad } from './core/load.js';
import { shedUnderLoad } from './core/command.js';
import { createTownHallService } from './townhall/service.js';
import { createHallService } from './townhall/hall.js';
import { createVoteGuard } from './townhall/vote-guard.js';
import { createTopicService } from './settings/topics.js';
import { createUnitService } from './settings/units.js';
import { createRecordingService } from './recording/service.js';
import { recordedRoom, registerRecording } from './recording/handlers.js';
import { composeMetrics } from './metrics/compose.js';
import { metricsHandler } from './metrics/routes.js';
import { createArchives } from './recording/archives.js';
import { createIdentityChallenges } from './identity/challenge.js';

export type { App, AppDeps, AppOptions, Integrity } from './app-types.js';
import type { App, AppDeps, AppOptions } from './app-types.js';

/**
 * Socket.IO payloads and JSON bodies above this are refused before any handler sees them. The
 * largest legitimate message is a 10,000-character forum post, up to 40 KB in UTF-8.
 */
const MAX_MESSAGE_BYTES = 64 * 1024;

/**
 * Event-loop delay (p99, ms) past which residents' commands are refused with UNAVAILABLE rather
 * than queued: a node this far behind answers late everything it takes on.
 */
const SHED_LAG_MS = 1000;

/**
 * How many connections the kernel queues for the server to accept. Node's default, 511, is what
 * a restart under a crowd overflows: every reconnection past it loses its SYN and the client's
 * TCP waits 1, 2, 4, 8 s to send it again, while the server sits idle. The kernel caps it at
 * `net.core.somaxconn` (4096 on current Linux; docs/scaling.md).
 */
const LISTEN_BACKLOG = 4096;

export function createApp(options: AppOptions, deps: AppDeps): App {
  const { stores, log } = deps;
  const { coordination } = stores;
  const limits = coordination.limits;
  const identity = createIdentityService(stores.identity);
  const pseudonyms = createPseudonyms(options.secret);
  const townHalls = createTownHallService(stores.townHalls, identity);
  const halls = createHallService({ store: stores.townHalls, townHalls, secret: options.secret });
  const challenges = createIdentityChallenges({ secret: options.secret, limits, cost: options.integrity.identities });
  const topics = createTopicService(stores.topics);
  const units = createUnitService(stores.units);
  const now = options.now ?? Date.now;
  const questionReader = createQuestionReader(stores.questions);
  const originAllowed = createOriginCheck(options.allowedOrigins);
  const trust = compileTrust(options.trustProxy ?? false);

  // The Express app is the HTTP server's handler from the start (Socket.IO takes its own paths
  // in front of it); its routes are mounted below, once the services they serve exist.
  const app = express();
  app.set('trust proxy', trust);
  const http = createServer(app);
  const io: AppServer = new Server(http, {
    serveClient: false,
    maxHttpBufferSize: MAX_MESSAGE_BYTES,
    allowRequest: (req, callback) => callback(null, originAllowed(req.headers.origin)),
    // With Redis, broadcasts cross nodes through a Redis stream, and a dropped connection may come
    // back (to any node) with its rooms and the events it missed.
    ...(stores.adapterRedis
      ? { adapter: createAdapter(stores.adapterRedis, { streamName: 'rt:socket.io', sessionKeyPrefix: 'rt:sio:session:', maxLen: 50_000 }) }
      : {}),
    connectionStateRecovery: { maxDisconnectionDuration: RECOVERY_WINDOW_MS, skipMiddlewares: false },
  });
  const sessions = createSessions({
    store: stores.sessions,
    users: stores.identity,
    secret: options.secret,
    secureCookies: options.secureCookies,
    // Through the adapter, so the sockets end on whichever node holds them.
    disconnect: {
      session: (id) => io.in(rooms.session(id)).disconnectSockets(true),
      user: (id) => io.in(rooms.user(id)).disconnectSockets(true),
    },
  });
  guardRecovery(io, (cookie) => sessions.fromCookieHeader(cookie));
  authenticateSockets(io, sessions, { secret: options.secret, trust }, log);
  capSockets(io, options.socketCaps ?? DEFAULT_SOCKET_CAPS, log);

  const audit = watchAudit(stores.audit, log);
  const sanctionsChanged = coordination.invalidations('sanctions');
  // The department's allowed numbers and addresses: read again on every node as soon as an
  // admin changes them, and within ALLOW_LIST_TTL_MS should that news not arrive.
  const personalInfo = createPersonalInfoScreen(async () => (await stores.settings.get()).allowedPersonalInfo);
  const settingsChanged = coordination.invalidations('settings');
  const unsubscribedSettings = settingsChanged
    .subscribe(() => personalInfo.forget())
    .catch((err: unknown) => {
      log.warn({ err }, 'settings changes from other nodes will wait for the cache to lapse');
      return () => {};
    });
  const moderation = createModerationCore({
    io,
    stores: stores.moderation,
    audit,
    limits,
    log,
    pseudonyms,
    staticRules: options.filterWords.map((term) => ({ term, action: 'hold' as const })),
    personalInfo,
    sanctionsChanged: (userId) =>
      void sanctionsChanged.publish(userId).catch((err: unknown) => log.warn({ err }, 'could not tell other nodes of a sanction')),
  });
  // A sanction given or lifted on one node clears every node's cached sanctions for that person
  // at once, instead of within the cache's two seconds.
  const unsubscribed = sanctionsChanged
    .subscribe((userId) => moderation.sanctions.forget(userId))
    .catch((err: unknown) => {
      log.warn({ err }, 'sanction changes from other nodes will wait for the cache to lapse');
      return () => {};
    });

  // The public record of ended town halls.
  const records = cacheRecords(
    createRecordService({
      townHalls,
      questions: questionReader,
      polls: createPollReader(stores.polls),
      audit: stores.audit,
      settings: stores.settings,
      topics,
      identity,
      sources: { ...createChatService(stores.chat), ...createCaptionService(stores.captions) },
      placeOf: async (ref) => {
        const item = await moderation.content.describe(ref).catch(() => null);
        return item ? placeKey(item.place) : null;
      },
      log,
    }),
  );
  // Every moderation decision is logged; the record it changes is built again on its next read.
  audit.onAppend(records.logged);
  const stopPurge = schedulePurge(records, log);

  // After the town hall: the follow-up queue, commitments, followers' notices and mail, and the
  // accountability figures and feeds, wired to each other (server/follow-through.ts).
  let boundUrl = 'http://127.0.0.1';
  const { followUps, commitments, notices, mailer, accountability, questionEvents, close: closeFollowThrough } = composeFollowThrough({
    stores,
    log,
    townHalls,
    identity,
    topics,
    units,
    questions: questionReader,
    now,
    secret: options.secret,
    ...(options.timeZone ? { timeZone: options.timeZone } : {}),
    smtp: options.smtp ?? null,
    baseUrl: () => options.publicUrl ?? boundUrl,
    toPerson: (personId, notice) => io.to(rooms.user(personId)).emit('notices:arrived', { notice }),
  });
  const networkKey = networkKeyer(options.secret);
  // The recordings on this node's disk after they stop (recording/archives.ts).
  const archives = createArchives(options.recording, log);
  const { library: recordingLibrary, composer } = archives;
  mountHttp(app, {
    options: { secureCookies: options.secureCookies, secret: options.secret, clientDir: options.clientDir, maxBodyBytes: MAX_MESSAGE_BYTES },
    stores,
    log,
    limits,
    originAllowed,
    sessions,
    identity,
    challenges,
    halls,
    townHalls,
    records,
    topics,
    units,
    followUps,
    commitments,
    accountability,
    ...(options.publicUrl ? { publicUrl: options.publicUrl } : {}),
    networkKey: (req) => networkKey(req.ip ?? ''),
    // Made once the rooms and the media are: the route is mounted here, in its place before the client.
    ...(options.metrics?.token ? { metrics: (req, res, next) => (metricsRoute ? metricsRoute(req, res, next) : next()) } : {}),
    mail: { notices, mailer, store: stores.notifications },
    archives: { library: recordingLibrary, composer },
    recordings: { library: recordingLibrary, audit, now },
    settingsChanged: () => {
      personalInfo.forget();
      void settingsChanged.publish('site').catch((err: unknown) => log.warn({ err }, 'could not tell other nodes of a settings change'));
    },
  });

  // Before the features: each adds its part of the join to the room and publishes through it.
  const load = monitorLoad();
  const frames = createRoomFrames({
    io,
    log,
    load,
    ...(options.metrics ? { onFrame: (seconds: number) => metrics?.frame(seconds) } : {}),
    writesPerSecond: options.frameWritesPerSecond ?? DEFAULT_WRITES_PER_SECOND,
    ...(options.frameStagger ? { stagger: options.frameStagger } : {}),
    relay: stores.adapterRedis ? coordination.invalidations('room-facts') : null,
  });
  shedUnderLoad(io, () => load.lagMs() > SHED_LAG_MS);
  const room = createTownHallRoom({ io, limits, log, isUnavailable, townHalls, frames });
  // Recording: the host's start and stop, and the timeline fed by the media, the stage and the
  // public facts of questions and captions (through `recordedRoom`).
  const requireRecording = async () => (await stores.settings.get()).requireRecording;
  const recording = createRecordingService({
    media: options.recording === undefined ? null : (deps.media ?? null),
    dataDir: options.recording?.dataDir ?? '',
    ...(options.recording?.minFreeBytes === undefined ? {} : { minFreeBytes: options.recording.minFreeBytes }),
    ...(options.recording?.ffmpegPath === undefined ? {} : { ffmpegPath: options.recording.ffmpegPath }),
    required: requireRecording,
    stage: coordination.stage,
    log: log.child({ module: 'recording' }),
  });
  const recordingHandlers = registerRecording({ io, limits, log, isUnavailable, room, townHalls, recording, required: requireRecording });
  const metrics = options.metrics ? composeMetrics({ io, load, frames, media: deps.media ?? null, recording, library: recordingLibrary }) : null;
  const metricsRoute = metrics && options.metrics?.token ? metricsHandler(metrics.registry, options.metrics.token) : null;
  const stopArchives = archives.start(recording, { settings: stores.settings, now });
  const votes = createVoteGuard({
    room,
    limits,
    log,
    halls,
    madeRecently: challenges.madeRecently,
    perNetwork: options.integrity.votesPerNetwork,
  });
  registerTownHall({ io, limits, log, isUnavailable, room, townHalls, halls });
  registerModeration({
    io,
    limits,
    log,
    isUnavailable,
    core: moderation,
    audit,
    identity,
    accounts: stores.identity,
    townHalls,
    room,
    flagThreshold: options.flagThreshold,
    flagAccountAgeMs: options.flagAccountAgeHours * 3600_000,
  });
  const qa = registerQa({
    io,
    room: recordedRoom(room, recording),
    limits,
    log,
    isUnavailable,
    questions: stores.questions,
    townHalls,
    moderation: moderation.pipeline,
    votes,
    identity,
    pseudonyms,
    tallyIntervalMs: options.tallyIntervalMs,
    coordination,
    topics,
    // On one SQLite file every change normally passes through this node, so the index is exact and
    // the re-read is only a safety net (a second process on the file); with Redis, other nodes write.
    similarMaxAgeMs: stores.redis ? SIMILAR_MAX_AGE_MS : SIMILAR_MAX_AGE_SQLITE_MS,
    events: questionEvents,
  });
  registerNotices({ io, limits, log, isUnavailable, notices });
  // The presenter screen: its read (the hall code, live only) and the host's "next question".
  registerPresenter({ io, limits, log, isUnavailable, townHalls, halls });
  registerQaAdvance({ io, room: recordedRoom(room, recording), limits, log, isUnavailable, questions: stores.questions, townHalls, identity, pseudonyms });
  registerForum({ io, limits, log, isUnavailable, forum: stores.forum, moderation: moderation.pipeline, accounts: stores.identity });
  registerChat({ io, room, limits, log, isUnavailable, chat: stores.chat, townHalls, moderation: moderation.pipeline });
  registerCaptions({ io, room: recordedRoom(room, recording), limits, log, isUnavailable, captions: stores.captions, townHalls });
  registerBackchannel({ io, room, limits, log, isUnavailable, backchannel: stores.backchannel, townHalls });
  const stopBackchannelPurge = scheduleBackchannelPurge({ backchannel: stores.backchannel, townHalls, settings: stores.settings, log });
  const polls = registerPolls({
    io,
    room,
    limits,
    log,
    isUnavailable,
    polls: stores.polls,
    townHalls,
    moderation: moderation.pipeline,
    votes,
    tallyIntervalMs: options.tallyIntervalMs,
    coordination,
  });
  const media = registerMedia({
    io,
    room,
    limits,
    log,
    isUnavailable,
    media: deps.media ?? null,
    townHalls,
    moderation: moderation.pipeline,
    onSanction: moderation.sanctions.onSanction,
    onStage: (townHallId, view) => recording.stageChanged(townHallId, view),
    stage: coordination.stage,
    coordination,
    ...(options.mediaLeaseMs === undefined ? {} : { mediaLeaseMs: options.mediaLeaseMs }),
    turn: options.turn ?? null,
    now,
  });

  return {
    http,
    io,
    identity,
    townHalls,
    moderation: moderation.pipeline,
    records,
    followUps,
    commitments,
    accountability,
    frames: { stats: frames.stats },
    metrics: metrics?.registry ?? null,
    notices,
    listen: (port, host = '127.0.0.1') =>
      new Promise((resolve, reject) => {
        http.once('error', reject);
        http.listen({ port, host, backlog: LISTEN_BACKLOG }, () => {
          const bound = (http.address() as AddressInfo).port;
          if (options.allowLoopbackOrigins) originAllowed.allow(loopbackOrigins(bound));
          boundUrl = `http://${host}:${bound}`;
          resolve(bound);
        });
      }),
    async close() {
      stopPurge();
      stopBackchannelPurge();
      closeFollowThrough();
      qa.close();
      polls.close();
      recordingHandlers.close();
      await stopArchives();
      await recording.close();
      await media.close();
      frames.close();
      load.close();
      void unsubscribed.then((off) => off());
      void unsubscribedSettings.then((off) => off());
      await new Promise<void>((resolve) => io.close(() => resolve()));
    },
  };
}
