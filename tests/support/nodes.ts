// Real Roundtable server processes (the production entry point, server/main.ts) for the fault
// tests: started, killed with SIGKILL and restarted; and a TCP load balancer in front of them
// that, like a real one, sends each new connection to a node that is up.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { io as connectClient } from 'socket.io-client';
import type { ClientSocket, Session } from './server.js';
import type { Me } from '../../shared/session.js';
import { deliverFrame } from '../../shared/room.js';

export const NODE_SECRET = 'multinode-test-secret-0123456789abcdef';

export interface NodeProcess {
  /** The node's own address (not the proxy's, when ROUNDTABLE_PUBLIC_URL names one). */
  url: string;
  /** Where its metrics listen, when ROUNDTABLE_METRICS_ADDRESS is set. */
  metricsUrl: string | null;
  port: number;
  child: ChildProcess;
  /** Everything it has written to stdout and stderr so far (its log lines, at the level set). */
  output(): string;
  /** kill -9: no shutdown hooks run, nothing is flushed. */
  kill(): Promise<void>;
  /** SIGTERM and wait. */
  stop(): Promise<void>;
}

export interface NodeOptions {
  redisUrl?: string;
  dataDir?: string;
  tallyIntervalMs?: number;
  /** Node's arguments: the TypeScript entry point through tsx unless given (the built server, say). */
  entry?: string[];
  /** More settings for this node (say, a short media lease for a failover test); ROUNDTABLE_SECRET '' for a secret of its own in the data folder. */
  env?: Record<string, string>;
}

export async function startNode(options: NodeOptions = {}): Promise<NodeProcess> {
  const dataDir = options.dataDir ?? mkdtempSync(path.join(tmpdir(), 'rt-node-'));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ROUNDTABLE_PORT: '0',
    ROUNDTABLE_HOST: '127.0.0.1',
    ROUNDTABLE_DATA_DIR: dataDir,
    ROUNDTABLE_SECRET: NODE_SECRET,
    ROUNDTABLE_LOG_LEVEL: 'warn',
    ROUNDTABLE_TALLY_INTERVAL_MS: String(options.tallyIntervalMs ?? 100),
    ROUNDTABLE_DEMO: '0',
    // Every test client connects from 127.0.0.1, often as one person: lift the caps meant for the public.
    ROUNDTABLE_MAX_SOCKETS_PER_SESSION: '100000',
    ROUNDTABLE_MAX_SOCKETS_PER_NETWORK: '100000',
    // Hundreds of test residents share 127.0.0.1; the per-network limits have tests of their own.
    ROUNDTABLE_VOTES_PER_NETWORK: '1000000000',
    ROUNDTABLE_FREE_IDENTITIES_PER_NETWORK: '1000000000',
    REDIS_URL: options.redisUrl ?? '',
    ...options.env,
  };
  if (!options.redisUrl) delete env.REDIS_URL;
  // An empty secret means none given: the node makes and keeps its own in the data folder.
  if (env.ROUNDTABLE_SECRET === '') delete env.ROUNDTABLE_SECRET;
  const child = spawn(process.execPath, options.entry ?? ['--import', 'tsx', 'server/main.ts'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let output = '';
  // With a public URL (a proxy in front), the node prints its own address under the public one.
  const ownAddress = env.ROUNDTABLE_PUBLIC_URL ? /This node listens on (http:\/\/\S+)/ : /Roundtable is running: open (http:\/\/\S+)/;
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const found = ownAddress.exec(output);
      if (found?.[1]) resolve(found[1]);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code, signal) => reject(new Error(`node exited (${code ?? signal}) before listening:\n${output}`)));
  });
  return {
    url,
    metricsUrl: /Prometheus metrics: (http:\/\/\S+)/.exec(output)?.[1] ?? null,
    port: Number(new URL(url).port),
    child,
    output: () => output,
    async kill() {
      child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** A guest session made through the real endpoint of any node. */
/** A session from one of the node's session routes: its cookie and who it is. */
async function sessionAt(url: string, route: string, body: object, what: string): Promise<Session> {
  const res = await fetch(`${url}${route}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${what} answered ${res.status}`);
  const cookie = res.headers.getSetCookie()[0]!.split(';')[0]!;
  return { cookie, me: ((await res.json()) as { me: Me }).me };
}

export const guestAt = (url: string, displayName: string): Promise<Session> => sessionAt(url, '/api/session/guest', { displayName }, 'guest join');

export const loginAt = (url: string, username: string, password: string): Promise<Session> =>
  sessionAt(url, '/api/session/login', { username, password }, 'login');

/** A socket that reconnects by itself (through the balancer) like a browser does. */
export function connectTo(url: string, session: Session, reconnect = false): Promise<ClientSocket> {
  const socket: ClientSocket = connectClient(url, {
    transports: ['websocket'],
    extraHeaders: { cookie: session.cookie },
    forceNew: true,
    reconnection: reconnect,
    reconnectionDelay: 100,
    reconnectionDelayMax: 500,
  });
  // Facts to the room come framed; the tests listen for them by name, as the app does.
  socket.on('townhall:frame', (frame) => deliverFrame(socket, frame));
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

/**
 * A TCP load balancer: each new connection goes to the next backend that accepts it, so when a
 * node dies, reconnecting clients land on one that is up. Connections are not moved: a client
 * on a dead node sees its connection drop, as it would behind nginx.
 */
export async function startBalancer(backends: () => number[]): Promise<{ url: string; close(): Promise<void> }> {
  let next = 0;
  const open = new Set<Socket>();
  const server: Server = createServer((client) => {
    open.add(client);
    client.pause();
    const ports = backends();
    const tryPort = (attempt: number) => {
      if (attempt >= ports.length) return client.destroy();
      const port = ports[(next + attempt) % ports.length]!;
      const upstream = createConnection({ port, host: '127.0.0.1' });
      const refused = () => tryPort(attempt + 1);
      upstream.once('error', refused);
      upstream.once('connect', () => {
        upstream.off('error', refused);
        next = (next + attempt + 1) % Math.max(1, ports.length);
        open.add(upstream);
        client.pipe(upstream).pipe(client);
        client.resume();
        const end = () => {
          client.destroy();
          upstream.destroy();
          open.delete(client);
          open.delete(upstream);
        };
        client.once('close', end);
        upstream.once('close', end);
        client.on('error', end);
        upstream.on('error', end);
      });
    };
    tryPort(0);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        for (const s of open) s.destroy();
        server.close(() => resolve());
      }),
  };
}
