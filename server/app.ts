import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import { Server } from 'socket.io';
import { placeKey } from '../shared/moderation.js';
import type { MediaService } from '../media/index.js';
import type { Logger } from './core/log.js';
import { guardRecovery, RECOVERY_WINDOW_MS } from './core/recovery.js';
import { capSockets, DEFAULT_SOCKET_CAPS, type SocketCaps } from './core/socket-caps.js';
import { rooms, type AppServer } from './core/types.js';
import { registerBackchannel } from './backchannel/handlers.js';
import { scheduleBackchannelPurge } from './backchannel/retention.js';
import { registerCaptions } from './captions/handlers.js';
import { registerChat } from './chat/handlers.js';
import { registerForum } from './forum/handlers.js';
import { compileTrust, networkKeyer, type TrustProxy } from './http/address.js';
import { createOriginCheck, loopbackOrigins } from './http/origin.js';
import { createIdentityService, type IdentityService } from './identity/service.js';
import { createPseudonyms } from './identity/pseudonyms.js';
import { createSessions } from './identity/sessions.js';
import { authenticateSockets } from './identity/socket-auth.js';
import { registerModeration } from './moderation/handlers.js';
import { createModerationCore } from './moderation/pipeline.js';
import { createPersonalInfoScreen } from './moderation/personal-info.js';
import type { ModerationPipeline } from './moderation/pipeline-types.js';
import { registerPolls } from './polls/handlers.js';
import { createPollReader } from './polls/service.js';
import { registerQa } from './qa/handlers.js';
import { registerQaAdvance } from './qa/advance.js';
import { SIMILAR_MAX_AGE_MS, SIMILAR_MAX_AGE_SQLITE_MS } from './qa/similar.js';
import { createQuestionEvents, createQuestionReader } from './qa/service.js';
import { createMailer, type SmtpSettings } from './notifications/mail.js';
import { registerNotices } from './notifications/handlers.js';
import { createNotificationService, type NotificationService } from './notifications/service.js';
import { createCaptionService } from './captions/service.js';
import { createChatService } from './chat/service.js';
import { cacheRecords, watchAudit, type CachedRecords } from './record/cache.js';
import { createRecordService, schedulePurge } from './record/service.js';
import { mountHttp } from './http-app.js';
import type { Stores } from './stores.js';
import { isUnavailable } from './storage/unavailable.js';
import { registerTownHall } from './townhall/handlers.js';
import { registerMedia } from './townhall/media-handlers.js';
import { registerPresenter } from './townhall/presenter.js';
import { createTownHallRoom } from './townhall/room.js';
import { createRoomFrames, type RoomFrames } from './townhall/frames.js';
import { DEFAULT_WRITES_PER_SECOND } from './townhall/frame-tick.js';
import { monitorLoad } from './core/load.js';
import { shedUnderLoad } from './core/command.js';
import { createTownHallService, type TownHallService } from './townhall/service.js';
import { createHallService } from './townhall/hall.js';
import { createVoteGuard } from './townhall/vote-guard.js';
import { createTopicService } from './settings/topics.js';
import { createUnitService } from './settings/units.js';
import { createFollowUpService, type FollowUpService } from './followups/service.js';
import { createCommitmentService, type CommitmentService } from './commitments/service.js';
import { createRecordingService } from './recording/service.js';
import { recordedRoom, registerRecording } from './recording/handlers.js';
import { createIdentityChallenges, type IdentityCost } from './identity/challenge.js';
import { createAccountabilityService, type AccountabilityService } from './accountability/service.js';

export interface AppOptions {
  allowedOrigins: string[];
  secureCookies: boolean;
  tallyIntervalMs: number;
  clientDir: string;
  /** The department's filter words from the configuration (they hold for review). */
  filterWords: string[];
  /** Distinct flags that hide an item pending review, from people whose flags count. */
  flagThreshold: number;
  /** Hours an account must exist before its flags count in places its holder did not take part in. */
  flagAccountAgeHours: number;
  /** Signs session cookies and pseudonyms. */
  secret: string;
  /** Proxies whose `X-Forwarded-For` names the client (none by default: the peer is the client). */
  trustProxy?: TrustProxy;
  /**
   * Also allows the pages of `http://127.0.0.1:<port>` and `http://localhost:<port>`, the port
   * being the one `listen` binds: for development and tests, where no public URL is configured.
   */
  allowLoopbackOrigins?: boolean;
  /** Connections one session, and one network, may hold on this node (DEFAULT_SOCKET_CAPS by default). */
  socketCaps?: SocketCaps;
  /** What one network may do: votes per question or poll in ten minutes, and what its new identities cost. */
  integrity: Integrity;
  /** WebSocket writes a second this node paces town hall frames to (DEFAULT_WRITES_PER_SECOND by default). */
  frameWritesPerSecond?: number;
  /** How long a town hall's media home lease lasts unrenewed (10 s by default): video's failover time. */
  mediaLeaseMs?: number;
  /** Where links in mail and the Atom feeds point (ROUNDTABLE_PUBLIC_URL); the address `listen` binds when absent. */
  publicUrl?: string;
  /** SMTP from the environment, used while the admin's mail settings name no host. */
  smtp?: SmtpSettings | null;
  /** The clock services stamp times and judge days by (Date.now by default): a test moves it a day forward. */
  now?: () => number;
  /** The department's IANA time zone: the accountability page's months and due days ('UTC' by default). */
  timeZone?: string;
  /** Where recordings are written and when disk space is too low; without it, recording answers UNAVAILABLE. */
  recording?: { dataDir: string; minFreeBytes?: number; ffmpegPath?: string };
}

export interface Integrity {
  votesPerNetwork: number;
  identities: IdentityCost;
}

export interface AppDeps {
  stores: Stores;
  log: Logger;
  /** Town hall video; without it `media:join` answers UNAVAILABLE and everything else works. The caller closes it. */
  media?: MediaService;
}

export interface App {
  http: HttpServer;
  io: AppServer;
  identity: IdentityService;
  townHalls: TownHallService;
  /** The moderation pipeline every feature screens content through. */
  moderation: ModerationPipeline;
  /** The public records of ended town halls, as the record endpoint serves them. */
  records: CachedRecords;
  /** The follow-up queue (its `onChange` tells every change after it is stored). */
  followUps: FollowUpService;
  /** The department's commitments; `onChange` tells feeds and notices what changed. */
  commitments: CommitmentService;
  /** The accountability figures and feeds; `forget()` when a follow-up or commitment changes. */
  accountability: AccountabilityService;
  /** The rooms' frames: the tick they run at and what they skipped, for the benchmark and metrics. */
  frames: Pick<RoomFrames, 'stats'>;
  /** Following questions, followers' notices and mail: other features tell it of follow-ups and commitments. */
  notices: NotificationService;
  /** Starts listening; resolves to the bound port (0 picks a free one). */
  listen(port: number, host?: string): Promise<number>;
  /** Stops accepting, disconnects clients and stops timers. The stores belong to the caller. */
  close(): Promise<void>;
}

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
  const followUps = createFollowUpService({
    store: stores.followUps,
    townHalls,
    questions: questionReader,
    staff: { get: async (id) => (await identity.listStaff()).find((s) => s.id === id) ?? null },
    units,
    deadlineDays: async () => (await stores.settings.get()).followUpDeadlineDays,
    now,
    log: log.child({ feature: 'followups' }),
  });
  // Town halls that ended while no node could enter their questions (a crash between the two).
  followUps.catchUp().catch((err: unknown) => log.error({ err }, 'follow-ups of ended town halls not caught up'));
  const commitments = createCommitmentService({
    store: stores.commitments,
    townHalls,
    questions: questionReader,
    units,
    // Staff lists are dozens long, and this is asked only when an officer who is neither the
    // recorder nor a host updates a commitment.
    unitOf: async (userId) => (await identity.listStaff()).find((s) => s.id === userId)?.unitId ?? null,
    log,
    now,
    ...(options.timeZone ? { timeZone: options.timeZone } : {}),
  });
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

  // People who asked hear back: follows, notices, mail.
  let boundUrl = 'http://127.0.0.1';
  const mailer = createMailer(() => stores.notifications.mailSettings(), options.smtp ?? null, log.child({ module: 'mail' }));
  const notices = createNotificationService({
    store: stores.notifications,
    questions: questionReader,
    mailer,
    secret: options.secret,
    baseUrl: () => options.publicUrl ?? boundUrl,
    toPerson: (personId, notice) => io.to(rooms.user(personId)).emit('notices:arrived', { notice }),
    now,
    log,
  });
  // Followers hear of what the department did, on the node where it was stored (the notice
  // reaches the person's other nodes through the adapter); an officer's request never waits on SMTP.
  followUps.onChange((change) => void notices.onFollowUpChange(change).catch((err: unknown) => log.warn({ err }, 'followers could not be told of a follow-up')));
  commitments.onChange((change) => void notices.onCommitmentChange(change).catch((err: unknown) => log.warn({ err }, 'followers could not be told of a commitment')));
  const questionEvents = createQuestionEvents((err) => log.warn({ err }, 'a question listener failed'));
  questionEvents.onAsked((q) => notices.asked(q));
  const purgeAddresses = () => void notices.purgeExpired().catch((err: unknown) => log.warn({ err }, 'mail addresses could not be purged'));
  purgeAddresses();
  const addressPurge = setInterval(purgeAddresses, 3600_000);
  addressPurge.unref();
  // The accountability figures and feeds, read from the follow-up queue and the commitments.
  const accountability = createAccountabilityService({
    townHalls,
    questions: questionReader,
    followUps: { listAll: () => followUps.listPublic() },
    commitments: { listAll: async () => (await commitments.list()).commitments },
    topics,
    timeZone: options.timeZone ?? 'UTC',
    now,
  });
  // The figures and feeds are built again on their next read after any change here.
  followUps.onChange(() => accountability.forget());
  commitments.onChange(() => accountability.forget());
  const networkKey = networkKeyer(options.secret);
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
    mail: { notices, mailer, store: stores.notifications },
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
    writesPerSecond: options.frameWritesPerSecond ?? DEFAULT_WRITES_PER_SECOND,
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
    notices,
    listen: (port, host = '127.0.0.1') =>
      new Promise((resolve, reject) => {
        http.once('error', reject);
        http.listen(port, host, () => {
          const bound = (http.address() as AddressInfo).port;
          if (options.allowLoopbackOrigins) originAllowed.allow(loopbackOrigins(bound));
          boundUrl = `http://${host}:${bound}`;
          resolve(bound);
        });
      }),
    async close() {
      stopPurge();
      stopBackchannelPurge();
      clearInterval(addressPurge);
      mailer.close();
      qa.close();
      polls.close();
      recordingHandlers.close();
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
