// The documented nginx configuration, run: deploy/nginx/roundtable.conf in Debian's nginx, with
// only its lines marked "yours" changed (free ports on 127.0.0.1, a self-signed certificate the
// test makes), in front of two Roundtable nodes on one Redis; Chromium opens a town hall through
// it over HTTPS. The browser trusts the certificate by its key (as it would a real one), so
// secure cookies and the page behave as in production.
import { readFileSync, mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { get } from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Stores } from '../../server/stores.js';
import { joinTownHall, launchChromium, questionCard, requireBuiltClient } from '../support/browser.js';
import { openSharedStores } from '../support/cluster.js';
import { freePort } from '../support/global-redis.js';
import { fillIn, selfSignedCertificate, startNginx, type NginxProcess, type SelfSignedCertificate } from '../support/nginx.js';
import { startNode, type NodeProcess } from '../support/nodes.js';
import { freshRedisUrl } from '../support/redis.js';

const SITE = readFileSync('deploy/nginx/roundtable.conf', 'utf8');
const ACME_TOKEN = 'a-certbot-challenge-token';

/** What a page's Socket.IO connections did: their WebSockets, and any HTTP request (long-polling) besides. */
function watchSocketIo(page: Page) {
  const seen = { webSockets: [] as { url: string; framesReceived: number; closed: boolean }[], pollingRequests: 0 };
  page.on('websocket', (ws) => {
    const entry = { url: ws.url(), framesReceived: 0, closed: false };
    seen.webSockets.push(entry);
    ws.on('framereceived', () => entry.framesReceived++);
    ws.on('close', () => (entry.closed = true));
  });
  page.on('request', (request) => {
    if (new URL(request.url()).pathname.startsWith('/socket.io/')) seen.pollingRequests++;
  });
  return seen;
}

describe('Roundtable behind nginx with TLS, in front of two nodes', () => {
  let dir: string;
  let cert: SelfSignedCertificate;
  let httpsPort: number;
  let httpPort: number;
  let origin: string;
  let nodes: NodeProcess[] = [];
  let nginx: NginxProcess;
  let stores: Stores;
  let browser: Browser;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'rt-nginx-'));
    cert = selfSignedCertificate(dir);
    httpsPort = await freePort();
    do {
      httpPort = await freePort();
    } while (httpPort === httpsPort);
    origin = `https://127.0.0.1:${httpsPort}`;
    const redisUrl = await freshRedisUrl();
    const env = {
      ROUNDTABLE_PUBLIC_URL: origin,
      ROUNDTABLE_TRUST_PROXY: '127.0.0.1',
      ROUNDTABLE_CLIENT_DIR: requireBuiltClient(),
      // Each node's own connection count tells which node a page's WebSocket reached.
      ROUNDTABLE_METRICS_ADDRESS: '127.0.0.1:0',
      ROUNDTABLE_MEDIA_WORKERS: '1',
    };
    nodes = await Promise.all([0, 1].map(() => startNode({ redisUrl, env })));
    const [a, b] = nodes.map((n) => n.port) as [number, number];

    mkdirSync(path.join(dir, 'acme', '.well-known', 'acme-challenge'), { recursive: true });
    writeFileSync(path.join(dir, 'acme', '.well-known', 'acme-challenge', ACME_TOKEN), 'proof of control\n');
    const site = fillIn(SITE, [
      { from: 'server 10.0.0.11:3001 ', to: `server 127.0.0.1:${a} ` },
      { from: 'server 10.0.0.12:3002 ', to: `server 127.0.0.1:${b} ` },
      { from: 'listen 80;', to: `listen 127.0.0.1:${httpPort};` },
      { from: 'listen 443 ssl http2;', to: `listen 127.0.0.1:${httpsPort} ssl http2;` },
      { from: 'server_name townhall.example.gov;', to: 'server_name 127.0.0.1;', times: 2 },
      { from: '/etc/letsencrypt/live/townhall.example.gov/fullchain.pem', to: cert.certPath },
      { from: '/etc/letsencrypt/live/townhall.example.gov/privkey.pem', to: cert.keyPath },
      { from: 'root /var/www/html;', to: `root ${path.join(dir, 'acme')};` },
    ]);
    // Outside the comments, nothing of the example is left: every line an operator changes was changed.
    const directives = site.split('\n').map((line) => line.replace(/#.*/, '')).join('\n');
    expect(directives).not.toMatch(/example\.gov|10\.0\.0\.|letsencrypt|\/var\/www/);
    nginx = await startNginx(dir, site, [httpsPort, httpPort]);

    stores = await openSharedStores(redisUrl);
    browser = await launchChromium([`--ignore-certificate-errors-spki-list=${cert.spkiHash}`]);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await nginx?.stop();
    await Promise.all(nodes.map((n) => n.stop()));
    await stores?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Socket.IO connections open on a node now, from its own metrics. */
  const connectionsAt = async (node: NodeProcess) =>
    Number(/^roundtable_connections (\d+)$/m.exec(await (await fetch(node.metricsUrl!)).text())?.[1]);
  const connections = () => Promise.all(nodes.map(connectionsAt));

  /** An HTTPS request through nginx by Node, checking the certificate against the test's own. */
  const httpsGet = (pathname: string) =>
    new Promise<{ status: number; headers: Record<string, string | string[] | undefined> }>((resolve, reject) => {
      get({ host: '127.0.0.1', port: httpsPort, path: pathname, ca: cert.pem }, (res) => {
        res.resume();
        resolve({ status: res.statusCode ?? 0, headers: res.headers });
      }).once('error', reject);
    });

  it('sends plain HTTP to HTTPS, except for certbot, and keeps the metrics from the public', async () => {
    const plain = await fetch(`http://127.0.0.1:${httpPort}/townhall/abc?lang=es`, { redirect: 'manual' });
    expect(plain.status).toBe(301);
    // The production port, 443, is implied: the address people are sent to is the server name's.
    expect(plain.headers.get('location')).toBe('https://127.0.0.1/townhall/abc?lang=es');
    const challenge = await fetch(`http://127.0.0.1:${httpPort}/.well-known/acme-challenge/${ACME_TOKEN}`, { redirect: 'manual' });
    expect([challenge.status, await challenge.text()]).toEqual([200, 'proof of control\n']);

    const home = await httpsGet('/');
    expect(home.status).toBe(200);
    expect(home.headers['strict-transport-security']).toMatch(/max-age=\d+/);
    expect((await httpsGet('/metrics')).status).toBe(404);
  });

  it('carries residents through HTTPS and WebSockets to both nodes, with secure session cookies, and on through one when the other stops', async () => {
    const { id: townHallId } = await stores.townHalls.create({
      title: 'Town hall behind nginx',
      description: '',
      startsAt: Date.now(),
      status: 'live',
      moderation: 'post',
      hosts: [],
    });
    const townHallUrl = `${origin}/townhall/${townHallId}`;
    const contexts: BrowserContext[] = [];
    const personAt = async () => {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      contexts.push(context);
      return context.newPage();
    };

    // Ana's page and its WebSocket go through nginx to one of the nodes.
    const ana = await personAt();
    const anaSockets = watchSocketIo(ana);
    await joinTownHall(ana, townHallUrl, 'Ana');
    await expect.poll(connections, { timeout: 10_000 }).toEqual(expect.arrayContaining([0, 1]));
    const anaNode = (await connections()).indexOf(1);

    // Every Socket.IO connection of the page is a WebSocket through nginx (the page watches
    // first, then connects again with the session it joined with), and the last one carries the room.
    const wsUrl = new RegExp(`^wss://127\\.0\\.0\\.1:${httpsPort}/socket\\.io/\\?EIO=4&transport=websocket`);
    const throughNginx = async (seen: ReturnType<typeof watchSocketIo>) => {
      expect(seen.webSockets.map((ws) => ws.url)).toEqual(seen.webSockets.map(() => expect.stringMatching(wsUrl)));
      expect(seen.webSockets.at(-1)?.closed).toBe(false);
      // Engine.IO's open packet, then Socket.IO's: the server answered through the upgrade.
      await expect.poll(() => seen.webSockets.at(-1)!.framesReceived, { timeout: 10_000 }).toBeGreaterThan(1);
      expect(seen.pollingRequests).toBe(0);
    };
    await throughNginx(anaSockets);
    const cookies = await ana.context().cookies();
    expect(cookies.filter((c) => c.name.includes('rt_session'))).toEqual([
      expect.objectContaining({ name: '__Host-rt_session', domain: '127.0.0.1', path: '/', secure: true, httpOnly: true, sameSite: 'Lax' }),
    ]);
    expect(cookies.filter((c) => !c.secure)).toEqual([]);

    // Ben joins, then opens the town hall again: still signed in, his page connects once, and
    // nginx sends it to the other node (least_conn: Ana's connection is on hers). As he joins,
    // his watching connection and his signed-in one may overlap, so nginx's choice then can tie.
    const ben = await personAt();
    const benSockets = watchSocketIo(ben);
    await joinTownHall(ben, townHallUrl, 'Ben');
    await ben.reload();
    await ben.getByRole('textbox', { name: 'Your question' }).waitFor();
    await expect.poll(connections, { timeout: 10_000 }).toEqual([1, 1]);
    const benNode = 1 - anaNode;
    await throughNginx(benSockets);

    // A question asked through one node reaches the resident on the other.
    await ana.getByRole('textbox', { name: 'Your question' }).fill('Will the crosswalk on Pine Street be repainted this spring?');
    await ana.getByRole('button', { name: 'Ask question' }).click();
    await expect.poll(() => questionCard(ben, 'Pine Street').count(), { timeout: 10_000 }).toBe(1);

    // Ben's node stops. His page reconnects through nginx, which sends it to Ana's node, and works.
    await nodes[benNode]!.stop();
    await expect.poll(() => connectionsAt(nodes[anaNode]!), { timeout: 15_000 }).toBe(2);
    await throughNginx(benSockets);
    await ben.getByRole('textbox', { name: 'Your question' }).fill('Can the library on Elm Avenue open on Sundays?');
    await ben.getByRole('button', { name: 'Ask question' }).click();
    await expect.poll(() => questionCard(ana, 'Elm Avenue').count(), { timeout: 10_000 }).toBe(1);
    await throughNginx(anaSockets);
    await Promise.all(contexts.map((c) => c.close()));
  }, 60_000);
});
