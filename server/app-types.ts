// The composition root's contract: what createApp (app.ts) takes and what it gives back.
import type { Registry } from 'prom-client';
import type { Server as HttpServer } from 'node:http';
import type { MediaService } from '../media/index.js';
import type { Logger } from './core/log.js';
import type { SocketCaps } from './core/socket-caps.js';
import type { AppServer } from './core/types.js';
import type { FollowThrough } from './follow-through.js';
import type { TrustProxy } from './http/address.js';
import type { IdentityCost } from './identity/challenge.js';
import type { IdentityService } from './identity/service.js';
import type { ModerationPipeline } from './moderation/pipeline-types.js';
import type { SmtpSettings } from './notifications/mail.js';
import type { CachedRecords } from './record/cache.js';
import type { Stores } from './stores.js';
import type { Stagger } from './townhall/frame-tick.js';
import type { RoomFrames } from './townhall/frames.js';
import type { TownHallService } from './townhall/service.js';
import type { TurnSettings } from './townhall/turn.js';

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
  /** From how many attendees a room's frames are staggered, over how many slices (frame-tick.ts `defaultStagger` by default). */
  frameStagger?: Stagger;
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
  /** Prometheus metrics; off without it. */
  metrics?: MetricsOptions;
  /** TURN relays handed to browsers with each media transport (docs/operations.md, "Ports and firewalls"); none without it. */
  turn?: TurnSettings | null;
  /** Where recordings are written and when disk space is too low; without it, recording answers UNAVAILABLE. */
  recording?: {
    dataDir: string;
    minFreeBytes?: number;
    ffmpegPath?: string;
    /** Compose each stopped recording into its archival video on this node (true by default). */
    compose?: boolean;
  };
}

export interface Integrity {
  votesPerNetwork: number;
  identities: IdentityCost;
}

/** Prometheus metrics (docs/operations.md): kept when given; `token` also opens `/metrics` on the app's own port. */
export interface MetricsOptions {
  token: string | null;
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
  followUps: FollowThrough['followUps'];
  /** The department's commitments; `onChange` tells feeds and notices what changed. */
  commitments: FollowThrough['commitments'];
  /** The accountability figures and feeds; `forget()` when a follow-up or commitment changes. */
  accountability: FollowThrough['accountability'];
  /** The rooms' frames: the tick they run at and what they skipped, for the benchmark and metrics. */
  frames: Pick<RoomFrames, 'stats'>;
  /** The Prometheus registry when metrics are on (AppOptions.metrics), for a listener of its own. */
  metrics: Registry | null;
  /** Following questions, followers' notices and mail: other features tell it of follow-ups and commitments. */
  notices: FollowThrough['notices'];
  /** Starts listening; resolves to the bound port (0 picks a free one). */
  listen(port: number, host?: string): Promise<number>;
  /** Stops accepting, disconnects clients and stops timers. The stores belong to the caller. */
  close(): Promise<void>;
}
