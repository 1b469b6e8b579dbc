// Debian's nginx for tests, in front of real nodes: a site configuration (deploy/nginx/*.conf
// with its marked lines changed) inside a main configuration of the test's own, so that nginx
// runs in the foreground as the test's user and writes its pid, logs and temporary files only
// in the test's folder. And a certificate for it, made by openssl as an operator would.
import { execFileSync, spawn } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

const LISTEN_TRIES = 200;
const LISTEN_INTERVAL_MS = 50;

export interface NginxProcess {
  /** Fast shutdown (SIGTERM to the master, which ends its workers), and wait for it. */
  stop(): Promise<void>;
}

export interface SelfSignedCertificate {
  certPath: string;
  keyPath: string;
  pem: string;
  /** base64 SHA-256 of the public key, what Chromium's --ignore-certificate-errors-spki-list takes. */
  spkiHash: string;
}

/** A self-signed certificate for 127.0.0.1, valid for a day. */
export function selfSignedCertificate(dir: string): SelfSignedCertificate {
  const certPath = path.join(dir, 'cert.pem');
  const keyPath = path.join(dir, 'key.pem');
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
      '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', keyPath, '-out', certPath],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const pem = readFileSync(certPath, 'utf8');
  const spki = new X509Certificate(pem).publicKey.export({ type: 'spki', format: 'der' });
  return { certPath, keyPath, pem, spkiHash: createHash('sha256').update(spki).digest('base64') };
}

/**
 * The configuration with each `from` replaced by its `to`, each found exactly as often as
 * said: when the file changes under the test, the test fails instead of running something else.
 */
export function fillIn(text: string, changes: { from: string; to: string; times?: number }[]): string {
  let out = text;
  for (const { from, to, times = 1 } of changes) {
    const found = out.split(from).length - 1;
    if (found !== times) throw new Error(`expected "${from}" ${times} time(s) in the configuration, found it ${found} time(s)`);
    out = out.split(from).join(to);
  }
  return out;
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Starts nginx with `site` included in its http block; resolves once every port in `ports` accepts. */
export async function startNginx(dir: string, site: string, ports: number[]): Promise<NginxProcess> {
  const bin = process.env.NGINX_BIN ?? '/usr/sbin/nginx';
  if (!existsSync(bin)) throw new Error(`nginx not found at ${bin}: run scripts/setup.sh (Debian's package nginx)`);
  const temp = path.join(dir, 'nginx-temp');
  mkdirSync(temp, { recursive: true });
  const sitePath = path.join(dir, 'site.conf');
  const errorLog = path.join(dir, 'nginx-error.log');
  writeFileSync(sitePath, site);
  const main = [
    'daemon off;',
    'worker_processes 1;',
    `pid ${path.join(dir, 'nginx.pid')};`,
    `error_log ${errorLog} warn;`,
    // Started as root, nginx would run its workers as nobody, who cannot enter the test's folder.
    ...(process.getuid?.() === 0 ? ['user root root;'] : []),
    'events { worker_connections 1024; }',
    'http {',
    '  access_log off;',
    ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((kind) => `  ${kind}_temp_path ${path.join(temp, kind)};`),
    `  include ${sitePath};`,
    '}',
  ].join('\n');
  const mainPath = path.join(dir, 'nginx.conf');
  writeFileSync(mainPath, `${main}\n`);

  // -e: the log nginx writes before it has read the configuration, also in the test's folder.
  const child = spawn(bin, ['-p', `${dir}/`, '-c', mainPath, '-e', errorLog], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  let gone = false;
  // A binary that cannot be spawned reports 'error' and may never report 'exit'.
  const exited = new Promise<void>((resolve) => {
    const end = () => {
      gone = true;
      resolve();
    };
    child.once('exit', end);
    child.once('error', end);
  });
  const log = () => (existsSync(errorLog) ? readFileSync(errorLog, 'utf8') : '');
  for (let tries = 0; !(await Promise.all(ports.map(accepts))).every(Boolean); tries++) {
    if (gone) throw new Error(`nginx exited before listening:\n${output}${log()}`);
    if (tries === LISTEN_TRIES) {
      child.kill('SIGKILL');
      throw new Error(`nginx did not listen on ${ports.join(', ')} in time:\n${output}${log()}`);
    }
    await delay(LISTEN_INTERVAL_MS);
  }
  return {
    async stop() {
      if (!gone) child.kill('SIGTERM');
      await exited;
    },
  };
}
