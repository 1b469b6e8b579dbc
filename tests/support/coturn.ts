// Debian's coturn (`turnserver`) for a test: on 127.0.0.1, free ports, the TURN REST API's shared
// secret, its log and pid file in a temporary folder. The settings are the ones
// docs/operations.md ("Ports and firewalls") recommends, bar TLS and the addresses.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { createConnection } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from './global-redis.js';

export interface Coturn {
  /** `turn:127.0.0.1:<port>?transport=udp` and the same over TCP. */
  urls: string[];
  port: number;
  secret: string;
  /** Everything coturn logged so far. */
  log(): string;
  close(): Promise<void>;
}

const BIN = process.env.TURNSERVER_BIN ?? '/usr/bin/turnserver';
const READY_TRIES = 100;
const READY_INTERVAL_MS = 100;
const RELAY_PORTS = 200;

export async function startCoturn(secret = randomBytes(24).toString('base64url')): Promise<Coturn> {
  if (!existsSync(BIN)) throw new Error(`coturn not found at ${BIN}: run scripts/setup.sh (Debian package coturn)`);
  const dir = mkdtempSync(path.join(tmpdir(), 'rt-coturn-'));
  const port = await freePort();
  // Above mediasoup's default range (40000–49999), a random slice so parallel runs rarely meet.
  const minPort = 50_000 + Math.floor(Math.random() * 70) * RELAY_PORTS;
  const logFile = path.join(dir, 'turn.log');
  const conf = path.join(dir, 'turnserver.conf');
  writeFileSync(
    conf,
    [
      `listening-ip=127.0.0.1`,
      `relay-ip=127.0.0.1`,
      `listening-port=${port}`,
      `min-port=${minPort}`,
      `max-port=${minPort + RELAY_PORTS - 1}`,
      `realm=roundtable.test`,
      `use-auth-secret`,
      `static-auth-secret=${secret}`,
      `fingerprint`,
      // Relay only to the media servers (here: this machine), never to anyone else.
      `denied-peer-ip=0.0.0.0-255.255.255.255`,
      `allowed-peer-ip=127.0.0.1`,
      // coturn refuses loopback peers by default; the media server here is on 127.0.0.1.
      `allow-loopback-peers`,
      `no-multicast-peers`,
      `no-tls`,
      `no-dtls`,
      `no-cli`,
      `no-stdout-log`,
      `verbose`,
      `log-file=${logFile}`,
      `simple-log`,
      `pidfile=${path.join(dir, 'turnserver.pid')}`,
      `userdb=${path.join(dir, 'turndb')}`,
      '',
    ].join('\n'),
  );
  const child = spawn(BIN, ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const log = () => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : '');
  try {
    await untilAnswering(port, child);
    await untilAccepting(port);
  } catch (err) {
    child.kill('SIGKILL');
    throw new Error(`coturn did not start: ${(err as Error).message}\n${stderr}\n${log()}`);
  }
  return {
    urls: [`turn:127.0.0.1:${port}?transport=udp`, `turn:127.0.0.1:${port}?transport=tcp`],
    port,
    secret,
    log,
    async close() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Resolves once coturn answers a STUN Binding request on its UDP port. */
async function untilAnswering(port: number, child: ChildProcess): Promise<void> {
  const socket = createSocket('udp4');
  let timer: NodeJS.Timeout | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      let tries = 0;
      const request = Buffer.alloc(20);
      request.writeUInt16BE(0x0001, 0); // Binding request, no attributes
      request.writeUInt32BE(0x2112a442, 4); // the magic cookie
      randomBytes(12).copy(request, 8);
      socket.on('message', (reply) => {
        if (reply.length >= 20 && reply.readUInt16BE(0) === 0x0101 && reply.subarray(8, 20).equals(request.subarray(8, 20))) resolve();
      });
      child.once('exit', (code) => reject(new Error(`turnserver exited with ${code}`)));
      const send = () => {
        if (++tries > READY_TRIES) reject(new Error(`no STUN answer on port ${port}`));
        else socket.send(request, port, '127.0.0.1');
      };
      timer = setInterval(send, READY_INTERVAL_MS);
      send();
    });
  } finally {
    clearInterval(timer);
    socket.close();
  }
}

/** Resolves once coturn accepts TCP connections too (its TCP listener may open after the UDP one). */
async function untilAccepting(port: number): Promise<void> {
  for (let tries = 0; tries < READY_TRIES; tries++) {
    const accepted = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ port, host: '127.0.0.1' });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (accepted) return;
    await delay(READY_INTERVAL_MS);
  }
  throw new Error(`no TCP listener on port ${port}`);
}
