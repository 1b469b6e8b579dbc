import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { DEFAULT_SOCKET_CAPS, type SocketCaps } from './core/socket-caps.js';
import { parseTrustProxy, type TrustProxy } from './http/address.js';
import { DEFAULT_WRITES_PER_SECOND } from './townhall/frame-tick.js';
import { isTimeZone } from './accountability/rules.js';
import { DEFAULT_TURN_TTL_SECONDS, isTurnUrl, type TurnSettings } from './townhall/turn.js';

const bool = z
  .enum(['1', '0', 'true', 'false', 'yes', 'no'])
  .transform((v) => v === '1' || v === 'true' || v === 'yes');
const list = z.string().transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean));

/**
 * Every setting, read once from the environment at start-up. Defaults suit one machine on
 * the embedded store; `REDIS_URL` switches every store, rate limit and tally to Redis.
 */
const Env = z.object({
  ROUNDTABLE_HOST: z.string().default('127.0.0.1'),
  ROUNDTABLE_PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /** Where residents open the app; used for printed links and the default origin allowlist. */
  ROUNDTABLE_PUBLIC_URL: z.url().optional(),
  /** Extra origins allowed to open sockets and POST (comma-separated). */
  ROUNDTABLE_ALLOWED_ORIGINS: list.default([]),
  ROUNDTABLE_DATA_DIR: z.string().default('data'),
  REDIS_URL: z.string().optional(),
  /** Signs session cookies. Required with Redis (every node must share it); generated and kept in the data folder otherwise. */
  ROUNDTABLE_SECRET: z.string().min(32).optional(),
  ROUNDTABLE_SECURE_COOKIES: bool.optional(),
  ROUNDTABLE_DEMO: bool.default(false),
  ROUNDTABLE_ADMIN_USERNAME: z.string().optional(),
  ROUNDTABLE_ADMIN_PASSWORD: z.string().min(10).optional(),
  /** The department's own filter words: a comma-separated list, or a file with one per line. */
  ROUNDTABLE_FILTER_WORDS: list.default([]),
  ROUNDTABLE_FILTER_WORDS_FILE: z.string().optional(),
  /** Proxies trusted to name the client in X-Forwarded-For: addresses/CIDRs, `loopback`, or a hop count. None by default. */
  ROUNDTABLE_TRUST_PROXY: z.string().optional(),
  /** Connections one session (all of one person's tabs), and one network, may hold on each node. */
  ROUNDTABLE_MAX_SOCKETS_PER_SESSION: z.coerce.number().int().min(1).default(DEFAULT_SOCKET_CAPS.perSession),
  ROUNDTABLE_MAX_SOCKETS_PER_NETWORK: z.coerce.number().int().min(1).default(DEFAULT_SOCKET_CAPS.perNetwork),
  /** Of those, connections watching before choosing a name (they cost no identity). */
  ROUNDTABLE_MAX_WATCHERS_PER_NETWORK: z.coerce.number().int().min(0).default(DEFAULT_SOCKET_CAPS.watchersPerNetwork),
  /** Votes one network adds to one question or poll in ten minutes (people let in with the hall's code are not counted). */
  ROUNDTABLE_VOTES_PER_NETWORK: z.coerce.number().int().min(1).default(10),
  /** New identities a network makes in six hours without proof of work. */
  ROUNDTABLE_FREE_IDENTITIES_PER_NETWORK: z.coerce.number().int().min(0).default(3),
  /** Hashes the first proof of work costs (about 0.5 s in a phone's browser); each further identity doubles it. */
  ROUNDTABLE_IDENTITY_WORK: z.coerce.number().int().min(1).max(10_000_000).default(50_000),
  ROUNDTABLE_FLAG_THRESHOLD: z.coerce.number().int().min(1).max(100).default(3),
  /** Hours an account must exist before its flags count in places its holder did not take part in. */
  ROUNDTABLE_FLAG_ACCOUNT_AGE_HOURS: z.coerce.number().min(0).max(24 * 365).default(72),
  ROUNDTABLE_TALLY_INTERVAL_MS: z.coerce.number().int().min(20).max(5000).default(100),
  /** WebSocket writes a second a node paces town hall frames to (see docs/performance.md). */
  /** Prometheus metrics at /metrics on the public port, for a scraper sending this bearer token. */
  ROUNDTABLE_METRICS_TOKEN: z.string().min(24).optional(),
  /** Prometheus metrics on an address of their own (host:port, kept off the public network), no token. */
  ROUNDTABLE_METRICS_ADDRESS: z.string().regex(/^[^\s:]+:\d{1,5}$/, 'host:port').optional(),
  ROUNDTABLE_FRAME_WRITES_PER_SECOND: z.coerce.number().int().min(1000).max(10_000_000).default(DEFAULT_WRITES_PER_SECOND),
  ROUNDTABLE_CLIENT_DIR: z.string().default('dist/client'),
  /** The department's IANA time zone (America/Chicago…): the accountability page's months and due days. */
  ROUNDTABLE_TIME_ZONE: z.string().refine(isTimeZone, 'an IANA time zone name, such as America/Chicago').default('UTC'),
  ROUNDTABLE_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Town hall video: the address WebRTC transports listen on. */
  ROUNDTABLE_MEDIA_LISTEN_IP: z.union([z.ipv4(), z.ipv6()]).default('127.0.0.1'),
  /** The address browsers are told to send media to, when it differs (NAT, or listening on 0.0.0.0). */
  ROUNDTABLE_MEDIA_ANNOUNCED_IP: z.union([z.ipv4(), z.ipv6()]).optional(),
  /** Several nodes: the address the pipes carrying video between nodes listen on (a private network). */
  ROUNDTABLE_MEDIA_PIPE_IP: z.union([z.ipv4(), z.ipv6()]).optional(),
  /** The address other nodes send piped video to, when it differs (NAT, or listening on 0.0.0.0). */
  ROUNDTABLE_MEDIA_PIPE_ANNOUNCED_IP: z.union([z.ipv4(), z.ipv6()]).optional(),
  /** How long a town hall's media stays on a node that stopped renewing its lease (a node that died). */
  ROUNDTABLE_MEDIA_LEASE_MS: z.coerce.number().int().min(300).max(300_000).default(10_000),
  /** Free disk space (MB) under the data folder below which recording is refused. */
  ROUNDTABLE_RECORDING_MIN_FREE_MB: z.coerce.number().int().min(0).max(10_000_000).default(2048),
  /**
   * Whether this node composes each stopped recording into its archival video (on by default).
   * Off: recordings keep only their raw tracks and wait; turned on again, the waiting ones are
   * composed at the next start.
   */
  ROUNDTABLE_RECORDING_COMPOSE: z.enum(['on', 'off']).default('on'),
  ROUNDTABLE_RTC_MIN_PORT: z.coerce.number().int().min(1).max(65535).default(40000),
  ROUNDTABLE_RTC_MAX_PORT: z.coerce.number().int().min(1).max(65535).default(49999),
  /** TURN relays for residents behind firewalls (docs/operations.md, "Ports and firewalls"): `turn:`/`turns:` URLs, comma-separated. */
  ROUNDTABLE_TURN_URLS: list.default([]),
  /** The relays' shared secret (coturn's `static-auth-secret`): browsers get credentials signed with it. */
  ROUNDTABLE_TURN_SECRET: z.string().min(16).optional(),
  /** How long a credential handed to a browser may open a relay. */
  ROUNDTABLE_TURN_TTL_SECONDS: z.coerce.number().int().min(60).max(7 * 86_400).default(DEFAULT_TURN_TTL_SECONDS),
  /** mediasoup worker processes; one per core by default. */
  ROUNDTABLE_MEDIA_WORKERS: z.coerce.number().int().min(1).max(128).optional(),
  /** Viewers one router carries before the audience spills over to another worker. */
  ROUNDTABLE_MEDIA_CONSUMERS_PER_ROUTER: z.coerce.number().int().min(1).optional(),
  /** The mediasoup worker binary; by default the one scripts/build-mediasoup-worker.sh caches. */
  MEDIASOUP_WORKER_BIN: z.string().optional(),
  ROUNDTABLE_CACHE: z.string().optional(),
  /** SMTP for followers' mail, used while the admin's mail settings name no host. */
  SMTP_HOST: z.string().optional(),
  SMTP_PORT: z.coerce.number().int().min(1).max(65535).default(587),
  SMTP_SECURE: bool.default(false),
  SMTP_USER: z.string().default(''),
  SMTP_PASSWORD: z.string().default(''),
  SMTP_FROM: z.string().default(''),
  XDG_CACHE_HOME: z.string().optional(),
  HOME: z.string().optional(),
});

export interface Config {
  host: string;
  port: number;
  publicUrl: string;
  allowedOrigins: string[];
  /** No public URL was configured: pages on this machine's own port (localhost, 127.0.0.1) are allowed. */
  allowLoopbackOrigins: boolean;
  dataDir: string;
  redisUrl: string | null;
  secret: string | null;
  secureCookies: boolean;
  demo: boolean;
  admin: { username: string; password: string } | null;
  filterWords: string[];
  flagThreshold: number;
  flagAccountAgeHours: number;
  trustProxy: TrustProxy;
  socketCaps: SocketCaps;
  integrity: { votesPerNetwork: number; identities: { freePerNetwork: number; baseWork: number } };
  tallyIntervalMs: number;
  frameWritesPerSecond: number;
  /** Null when both metrics settings are unset (metrics off). */
  metrics: { token: string | null; address: { host: string; port: number } | null } | null;
  clientDir: string;
  timeZone: string;
  logLevel: string;
  smtp: { host: string; port: number; secure: boolean; user: string; password: string; from: string } | null;
  /** TURN relays handed to browsers with each media transport; null when none is configured. */
  turn: TurnSettings | null;
  /**
   * Recordings go under `<dataDir>/recordings`; below this much free space they are refused.
   * `compose`: each stopped recording is composed into its archival video on this node.
   */
  recording: { minFreeBytes: number; compose: boolean };
  media: {
    listenIp: string;
    announcedIp: string | undefined;
    pipeListenIp: string | undefined;
    pipeAnnouncedIp: string | undefined;
    leaseMs: number;
    rtcMinPort: number;
    rtcMaxPort: number;
    numWorkers: number | undefined;
    consumersPerRouter: number | undefined;
    /** Set explicitly, or null to look in `cacheDir`. */
    workerBin: string | null;
    /** Where scripts/build-mediasoup-worker.sh caches workers, one folder per mediasoup version. */
    cacheDir: string;
  };
}

/** A setting that cannot work: its message names the setting, and start-up prints only that. */
export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = Env.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new ConfigError(`invalid configuration: ${problems}`);
  }
  const e = parsed.data;
  const shownHost = e.ROUNDTABLE_HOST === '0.0.0.0' || e.ROUNDTABLE_HOST === '127.0.0.1' ? 'localhost' : e.ROUNDTABLE_HOST;
  const publicUrl = (e.ROUNDTABLE_PUBLIC_URL ?? `http://${shownHost}:${e.ROUNDTABLE_PORT}`).replace(/\/$/, '');
  const fileWords = e.ROUNDTABLE_FILTER_WORDS_FILE
    ? readFileSync(e.ROUNDTABLE_FILTER_WORDS_FILE, 'utf8').split('\n').map((w) => w.trim()).filter((w) => w && !w.startsWith('#'))
    : [];
  if (e.REDIS_URL && !e.ROUNDTABLE_SECRET) {
    throw new ConfigError('invalid configuration: ROUNDTABLE_SECRET is required with REDIS_URL (every node must share it)');
  }
  if ((e.ROUNDTABLE_MEDIA_LISTEN_IP === '0.0.0.0' || e.ROUNDTABLE_MEDIA_LISTEN_IP === '::') && !e.ROUNDTABLE_MEDIA_ANNOUNCED_IP) {
    throw new ConfigError('invalid configuration: ROUNDTABLE_MEDIA_ANNOUNCED_IP is required when ROUNDTABLE_MEDIA_LISTEN_IP is a wildcard address');
  }
  if ((e.ROUNDTABLE_MEDIA_PIPE_IP === '0.0.0.0' || e.ROUNDTABLE_MEDIA_PIPE_IP === '::') && !e.ROUNDTABLE_MEDIA_PIPE_ANNOUNCED_IP) {
    throw new ConfigError('invalid configuration: ROUNDTABLE_MEDIA_PIPE_ANNOUNCED_IP is required when ROUNDTABLE_MEDIA_PIPE_IP is a wildcard address');
  }
  if (e.ROUNDTABLE_RTC_MIN_PORT > e.ROUNDTABLE_RTC_MAX_PORT) {
    throw new ConfigError('invalid configuration: ROUNDTABLE_RTC_MIN_PORT must not exceed ROUNDTABLE_RTC_MAX_PORT');
  }
  const origin = new URL(publicUrl).origin;
  return {
    host: e.ROUNDTABLE_HOST,
    port: e.ROUNDTABLE_PORT,
    publicUrl,
    allowedOrigins: [origin, ...(origin.includes('localhost') ? [origin.replace('localhost', '127.0.0.1')] : []), ...e.ROUNDTABLE_ALLOWED_ORIGINS],
    allowLoopbackOrigins: !e.ROUNDTABLE_PUBLIC_URL,
    dataDir: path.resolve(e.ROUNDTABLE_DATA_DIR),
    recording: { minFreeBytes: e.ROUNDTABLE_RECORDING_MIN_FREE_MB * 1024 * 1024, compose: e.ROUNDTABLE_RECORDING_COMPOSE === 'on' },
    redisUrl: e.REDIS_URL ?? null,
    secret: e.ROUNDTABLE_SECRET ?? null,
    secureCookies: e.ROUNDTABLE_SECURE_COOKIES ?? publicUrl.startsWith('https:'),
    demo: e.ROUNDTABLE_DEMO,
    admin: e.ROUNDTABLE_ADMIN_USERNAME && e.ROUNDTABLE_ADMIN_PASSWORD
      ? { username: e.ROUNDTABLE_ADMIN_USERNAME, password: e.ROUNDTABLE_ADMIN_PASSWORD }
      : null,
    filterWords: [...e.ROUNDTABLE_FILTER_WORDS, ...fileWords],
    flagThreshold: e.ROUNDTABLE_FLAG_THRESHOLD,
    flagAccountAgeHours: e.ROUNDTABLE_FLAG_ACCOUNT_AGE_HOURS,
    trustProxy: readTrustProxy(e.ROUNDTABLE_TRUST_PROXY),
    socketCaps: {
      perSession: e.ROUNDTABLE_MAX_SOCKETS_PER_SESSION,
      perNetwork: e.ROUNDTABLE_MAX_SOCKETS_PER_NETWORK,
      watchersPerNetwork: e.ROUNDTABLE_MAX_WATCHERS_PER_NETWORK,
    },
    integrity: {
      votesPerNetwork: e.ROUNDTABLE_VOTES_PER_NETWORK,
      identities: { freePerNetwork: e.ROUNDTABLE_FREE_IDENTITIES_PER_NETWORK, baseWork: e.ROUNDTABLE_IDENTITY_WORK },
    },
    tallyIntervalMs: e.ROUNDTABLE_TALLY_INTERVAL_MS,
    frameWritesPerSecond: e.ROUNDTABLE_FRAME_WRITES_PER_SECOND,
    metrics:
      e.ROUNDTABLE_METRICS_TOKEN || e.ROUNDTABLE_METRICS_ADDRESS
        ? {
            token: e.ROUNDTABLE_METRICS_TOKEN ?? null,
            address: e.ROUNDTABLE_METRICS_ADDRESS
              ? { host: e.ROUNDTABLE_METRICS_ADDRESS.slice(0, e.ROUNDTABLE_METRICS_ADDRESS.lastIndexOf(':')), port: Number(e.ROUNDTABLE_METRICS_ADDRESS.slice(e.ROUNDTABLE_METRICS_ADDRESS.lastIndexOf(':') + 1)) }
              : null,
          }
        : null,
    clientDir: path.resolve(e.ROUNDTABLE_CLIENT_DIR),
    timeZone: e.ROUNDTABLE_TIME_ZONE,
    logLevel: e.ROUNDTABLE_LOG_LEVEL,
    smtp: e.SMTP_HOST
      ? { host: e.SMTP_HOST, port: e.SMTP_PORT, secure: e.SMTP_SECURE, user: e.SMTP_USER, password: e.SMTP_PASSWORD, from: e.SMTP_FROM }
      : null,
    turn: readTurn(e.ROUNDTABLE_TURN_URLS, e.ROUNDTABLE_TURN_SECRET, e.ROUNDTABLE_TURN_TTL_SECONDS),
    media: {
      listenIp: e.ROUNDTABLE_MEDIA_LISTEN_IP,
      announcedIp: e.ROUNDTABLE_MEDIA_ANNOUNCED_IP,
      pipeListenIp: e.ROUNDTABLE_MEDIA_PIPE_IP,
      pipeAnnouncedIp: e.ROUNDTABLE_MEDIA_PIPE_ANNOUNCED_IP,
      leaseMs: e.ROUNDTABLE_MEDIA_LEASE_MS,
      rtcMinPort: e.ROUNDTABLE_RTC_MIN_PORT,
      rtcMaxPort: e.ROUNDTABLE_RTC_MAX_PORT,
      numWorkers: e.ROUNDTABLE_MEDIA_WORKERS,
      consumersPerRouter: e.ROUNDTABLE_MEDIA_CONSUMERS_PER_ROUTER,
      workerBin: e.MEDIASOUP_WORKER_BIN ?? null,
      cacheDir: e.ROUNDTABLE_CACHE ?? path.join(e.XDG_CACHE_HOME ?? path.join(e.HOME ?? os.homedir(), '.cache'), 'roundtable'),
    },
  };
}

function readTurn(urls: string[], secret: string | undefined, ttlSeconds: number): TurnSettings | null {
  const wrong = urls.filter((url) => !isTurnUrl(url));
  if (wrong.length > 0) {
    throw new ConfigError(
      `invalid configuration: ROUNDTABLE_TURN_URLS must be turn: or turns: URLs such as turn:turn.example.gov:3478?transport=udp (not ${wrong.join(', ')})`,
    );
  }
  if (urls.length > 0 && secret === undefined) {
    throw new ConfigError("invalid configuration: ROUNDTABLE_TURN_SECRET is required with ROUNDTABLE_TURN_URLS (the relay's static-auth-secret)");
  }
  if (urls.length === 0 && secret !== undefined) {
    throw new ConfigError('invalid configuration: ROUNDTABLE_TURN_SECRET is set but ROUNDTABLE_TURN_URLS names no relay');
  }
  return secret === undefined ? null : { urls, secret, ttlSeconds };
}

function readTrustProxy(value: string | undefined): TrustProxy {
  try {
    return parseTrustProxy(value);
  } catch {
    throw new ConfigError('invalid configuration: ROUNDTABLE_TRUST_PROXY must be addresses or CIDR ranges (comma-separated), a name such as loopback, or a hop count');
  }
}

/** The configuration as it may be logged: secrets replaced. */
export const redacted = (c: Config) => ({
  ...c,
  secret: c.secret ? '[set]' : '[generated]',
  admin: c.admin ? { username: c.admin.username, password: '[set]' } : null,
  redisUrl: c.redisUrl ? c.redisUrl.replace(/\/\/[^@]*@/, '//[credentials]@') : null,
  filterWords: `${c.filterWords.length} words`,
  smtp: c.smtp ? { ...c.smtp, password: c.smtp.password ? '[set]' : '' } : null,
  metrics: c.metrics ? { ...c.metrics, token: c.metrics.token ? '[set]' : null } : null,
  turn: c.turn ? { ...c.turn, secret: '[set]' } : null,
});
