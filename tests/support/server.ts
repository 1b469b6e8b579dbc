// A real Roundtable server on port 0 for a test, on either store, with helpers that sign people
// in through the real HTTP endpoints and connect real socket.io-client clients.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { io as connectClient, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '../../shared/events.js';
import type { Result } from '../../shared/errors.js';
import type { StaffRole } from '../../shared/roles.js';
import type { IdentityChallenge, IdentityProof, Me } from '../../shared/session.js';
import { solveChallenge } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/sha';
import type { NewTownHall } from '../../server/townhall/store.js';
import { createApp, type App, type AppOptions, type Integrity } from '../../server/app.js';
import { createLogger, type Logger } from '../../server/core/log.js';
import type { SocketCaps } from '../../server/core/socket-caps.js';
import type { TrustProxy } from '../../server/http/address.js';
import { openStores, type Stores } from '../../server/stores.js';
import { freshRedisUrl } from './redis.js';
import type { MediaConfigInput, MediaService } from '../../media/index.js';
import { startMediaService } from './media.js';
import { deliverFrame } from '../../shared/room.js';

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
export interface Session {
  cookie: string;
  me: Me;
}

export interface TestServerOptions {
  store?: 'sqlite' | 'redis';
  /** SQLite file to use (to restart on the same file); a new temporary one otherwise. */
  file?: string;
  /** With store 'redis': the Redis to use (to run a second node on the same data); a fresh database otherwise. */
  redisUrl?: string;
  filterWords?: string[];
  flagThreshold?: number;
  /** Hours an account must exist before its flags count without taking part (72 by default). */
  flagAccountAgeHours?: number;
  tallyIntervalMs?: number;
  clientDir?: string;
  /**
   * Per-network limits. Off unless given: the tests' people all share 127.0.0.1, and the limits
   * have tests of their own (tests/integration/integrity-*.test.ts).
   */
  integrity?: Integrity;
  trustProxy?: TrustProxy;
  /** Town hall video with a real mediasoup worker (settings, or true for the test defaults); closed with the server. */
  media?: boolean | MediaConfigInput;
  /** Lets a test stand between the app and its stores (to count reads, say). */
  wrapStores?: (stores: Stores) => Stores;
  /** Where the server logs (silent by default). */
  log?: Logger;
  /** Connection caps (the production defaults otherwise). */
  socketCaps?: SocketCaps;
  /** As if the public URL were https (the default is plain http on 127.0.0.1). */
  secureCookies?: boolean;
  /** The app's clock (Date.now by default): a test moves it forward. */
  now?: () => number;
  /** Prometheus metrics (off without it). */
  metrics?: AppOptions['metrics'];
  /** Recording (needs `media`): where recordings go and the free-space threshold. */
  recording?: AppOptions['recording'];
  /** TURN relays handed to browsers with each media transport (none by default). */
  turn?: AppOptions['turn'];
  /** When frames are staggered (from ~6,000 attendees over 8 slices by default): a test makes a small room large. */
  frameStagger?: AppOptions['frameStagger'];
}

export interface TestServer {
  url: string;
  app: App;
  stores: Stores;
  file: string | null;
  media: MediaService | null;
  guest(displayName: string): Promise<Session>;
  staff(role: StaffRole, displayName?: string): Promise<Session>;
  townHall(overrides?: Partial<NewTownHall>): Promise<{ id: string }>;
  connect(session: Session): Promise<ClientSocket>;
  close(): Promise<void>;
}

let staffCounter = 0;

export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const store = options.store ?? 'sqlite';
  const file = store === 'sqlite' ? (options.file ?? path.join(mkdtempSync(path.join(tmpdir(), 'rt-test-')), 'rt.db')) : null;
  const stores = await openStores(file ? { kind: 'sqlite', file } : { kind: 'redis', url: options.redisUrl ?? (await freshRedisUrl()) });
  const media = options.media ? await startMediaService(options.media === true ? {} : options.media) : null;
  const app = createApp(
    {
      allowedOrigins: [],
      // No public URL: the pages the server itself serves on 127.0.0.1:<port> may connect.
      allowLoopbackOrigins: true,
      secureCookies: options.secureCookies ?? false,
      tallyIntervalMs: options.tallyIntervalMs ?? 50,
      clientDir: options.clientDir ?? path.resolve('dist/client'),
      filterWords: options.filterWords ?? ['dirtycop'],
      flagThreshold: options.flagThreshold ?? 3,
      flagAccountAgeHours: options.flagAccountAgeHours ?? 72,
      secret: 'test-secret-test-secret-test-secret-0123',
      ...(options.socketCaps ? { socketCaps: options.socketCaps } : {}),
      ...(options.recording ? { recording: options.recording } : {}),
      trustProxy: options.trustProxy ?? false,
      integrity: options.integrity ?? { votesPerNetwork: 1e9, identities: { freePerNetwork: 1e9, baseWork: 1 } },
      ...(options.now ? { now: options.now } : {}),
      ...(options.metrics ? { metrics: options.metrics } : {}),
      ...(options.turn ? { turn: options.turn } : {}),
      ...(options.frameStagger ? { frameStagger: options.frameStagger } : {}),
    },
    { stores: options.wrapStores?.(stores) ?? stores, log: options.log ?? createLogger('silent'), media: media ?? undefined },
  );
  const port = await app.listen(0);
  const url = `http://127.0.0.1:${port}`;
  const sockets: ClientSocket[] = [];

  const post = async (route: string, body: Record<string, unknown>): Promise<Session> => {
    const send = (payload: unknown) =>
      fetch(`${url}${route}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(payload) });
    let res = await send(body);
    // Asked for proof of work (the per-network limits are on), do it, as a browser would.
    if (res.status === 428) {
      const { error } = (await res.json()) as { error: { challenge: IdentityChallenge } };
      res = await send({ ...body, proof: await solveIdentityChallenge(error.challenge) });
    }
    if (!res.ok) throw new Error(`${route} answered ${res.status}: ${await res.text()}`);
    const cookie = res.headers.getSetCookie()[0]?.split(';')[0];
    if (!cookie) throw new Error(`${route} set no cookie`);
    return { cookie, me: ((await res.json()) as { me: Me }).me };
  };

  return {
    url,
    app,
    stores,
    file,
    media,
    guest: (displayName) => post('/api/session/guest', { displayName }),
    async staff(role, displayName) {
      const username = `${role}${++staffCounter}${Math.random().toString(36).slice(2, 6)}`;
      const password = 'correct horse battery staple';
      await app.identity.createStaff({ username, password, role, displayName: displayName ?? `Staff ${role}` });
      return post('/api/session/login', { username, password });
    },
    townHall: (overrides = {}) =>
      app.townHalls.create({
        title: 'Test town hall',
        description: '',
        startsAt: Date.now(),
        status: 'live',
        moderation: 'post',
        ...overrides,
      }),
    async connect(session) {
      const socket: ClientSocket = connectClient(url, {
        transports: ['websocket'],
        extraHeaders: { cookie: session.cookie },
        forceNew: true,
        reconnection: false,
      });
      sockets.push(socket);
      // Facts to the room come framed; the tests listen for them by name, as the app does.
      socket.on('townhall:frame', (frame) => deliverFrame(socket, frame));
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', resolve);
        socket.once('connect_error', reject);
      });
      return socket;
    },
    async close() {
      for (const s of sockets) s.disconnect();
      await app.close();
      await media?.close();
      await stores.close();
    },
  };
}

/** Does the proof of work a challenge asks for, as the browser does. */
export async function solveIdentityChallenge(challenge: IdentityChallenge): Promise<IdentityProof> {
  const solution = await solveChallenge({ challenge: challenge as never, deriveKey });
  if (!solution) throw new Error('the challenge was not solved');
  return { challenge, solution: { counter: solution.counter, derivedKey: solution.derivedKey } };
}

/** Sends a command and resolves to its acknowledgement. */
export function command<E extends keyof ClientToServerEvents>(
  socket: ClientSocket,
  event: E,
  payload: Parameters<ClientToServerEvents[E]>[0],
): Promise<Parameters<Parameters<ClientToServerEvents[E]>[1]>[0]> {
  const timed = socket.timeout(5000) as unknown as { emitWithAck(event: string, payload: unknown): Promise<never> };
  return timed.emitWithAck(event, payload);
}

/** Resolves with the first payload of `event` that satisfies `match`. */
export function nextEvent<E extends keyof ServerToClientEvents>(
  socket: ClientSocket,
  event: E,
  match: (payload: Parameters<ServerToClientEvents[E]>[0]) => boolean = () => true,
  timeoutMs = 5000,
): Promise<Parameters<ServerToClientEvents[E]>[0]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off(event, listener as never);
      reject(new Error(`no ${event} within ${timeoutMs} ms`));
    }, timeoutMs);
    const listener = (payload: Parameters<ServerToClientEvents[E]>[0]) => {
      if (!match(payload)) return;
      clearTimeout(timer);
      socket.off(event, listener as never);
      resolve(payload);
    };
    socket.on(event, listener as never);
  });
}

/** The data of a successful result, or a thrown error naming the failure. */
export function unwrap<T>(result: Result<T>): T {
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.data;
}
