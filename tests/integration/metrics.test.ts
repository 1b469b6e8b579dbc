// `/metrics` as Prometheus scrapes it: off unless configured, behind its token on the public
// port, or on an address of its own; and the figures follow what happens in the server.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_TICK_MS, MIN_TICK_MS } from '../../server/townhall/frame-tick.js';
import { mediaClient } from '../support/media.js';
import { startNode, type NodeProcess } from '../support/nodes.js';
import { command, startTestServer, unwrap, type ClientSocket, type Session, type TestServer } from '../support/server.js';

const TOKEN = 'a-scraper-token-of-some-length';

/** One sample's value from the text format, or undefined when the line is absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{([^}]*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = m[2]?.split(',') ?? [];
    if (wanted.every((w) => have.includes(w))) return Number(m[3]);
  }
  return undefined;
}

/** The sum of a metric's samples over all its labels (each mediasoup worker's, say); 0 when absent. */
function total(text: string, name: string): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{[^}]*\})? (\S+)$/.exec(line);
    if (m && m[1] === name) sum += Number(m[2]);
  }
  return sum;
}

describe('metrics for Prometheus', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ metrics: { token: TOKEN }, media: true, recording: { dataDir: mkdtempSync(path.join(tmpdir(), 'rt-metrics-')) } });
  });
  afterAll(() => server.close());

  const scrape = (authorization?: string) => fetch(`${server.url}/metrics`, authorization ? { headers: { authorization } } : {});

  it('answers only a scraper with the token on the public port', async () => {
    expect((await scrape()).status).toBe(401);
    expect((await scrape('Bearer not-the-token-at-all-nope')).status).toBe(401);
    expect((await scrape(`Basic ${TOKEN}`)).status).toBe(401);
    const ok = await scrape(`Bearer ${TOKEN}`);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  });

  it('counts commands by name and outcome and follows the rooms, frames, event loop and media workers', async () => {
    const townHallId = (await server.townHall()).id;
    const socket = await server.connect(await server.guest('Rosa'));
    unwrap(await command(socket, 'townhall:join', { townHallId }));
    unwrap(await command(socket, 'chat:send', { townHallId, text: 'Hello from the back row.' }));
    expect(await command(socket, 'chat:send', { townHallId, text: '' })).toMatchObject({ ok: false, error: { code: 'INVALID_PAYLOAD' } });

    // The chat message went out in a frame; scrape once it has (the frame is timed after it is written).
    let text = '';
    await expect
      .poll(async () => {
        text = await (await scrape(`Bearer ${TOKEN}`)).text();
        return sample(text, 'roundtable_frame_duration_seconds_count');
      })
      .toBeGreaterThanOrEqual(1);
    expect(sample(text, 'roundtable_commands_total', { command: 'townhall:join', outcome: 'ok' })).toBe(1);
    expect(sample(text, 'roundtable_commands_total', { command: 'chat:send', outcome: 'ok' })).toBe(1);
    expect(sample(text, 'roundtable_commands_total', { command: 'chat:send', outcome: 'INVALID_PAYLOAD' })).toBe(1);
    expect(sample(text, 'roundtable_command_duration_seconds_count', { command: 'chat:send' })).toBe(2);
    expect(sample(text, 'roundtable_connections')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'roundtable_attendees', { town_hall: townHallId })).toBe(1);
    expect(sample(text, 'roundtable_town_hall_rooms')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'roundtable_event_loop_lag_p99_seconds')).toBeGreaterThanOrEqual(0);
    expect(sample(text, 'roundtable_nodejs_eventloop_lag_p99_seconds')).toBeGreaterThanOrEqual(0);
    expect(sample(text, 'roundtable_outbox_facts')).toBeGreaterThanOrEqual(0);
    // Rosa's room has had a frame: its tick is the small room's, stretched only if the loop lags.
    expect(sample(text, 'roundtable_frame_tick_seconds')).toBeGreaterThanOrEqual(MIN_TICK_MS / 1000);
    expect(sample(text, 'roundtable_frame_tick_seconds')).toBeLessThanOrEqual(MAX_TICK_MS / 1000);
    expect(sample(text, 'roundtable_media_workers')).toBeGreaterThanOrEqual(1);
    expect(text).toMatch(/^roundtable_media_worker_cpu_seconds\{pid="\d+"\} [\d.e+-]+$/m);
    expect(sample(text, 'roundtable_recordings')).toBe(0);
    expect(sample(text, 'roundtable_recording_jobs', { status: 'composing' })).toBe(0);
    expect(sample(text, 'roundtable_recording_compose_progress')).toBe(0);
    // Nothing personal: no display name and no session in any label.
    expect(text).not.toContain('Rosa');

    socket.disconnect();
    await expect.poll(async () => sample(await (await scrape(`Bearer ${TOKEN}`)).text(), 'roundtable_attendees', { town_hall: townHallId })).toBeUndefined();
  });

  it("counts each mediasoup worker's consumers: one while a resident receives the host's camera, none after", async () => {
    const host = await server.staff('officer', 'Officer Diaz');
    const townHallId = (await server.townHall({ hosts: [{ id: host.me.id, displayName: host.me.displayName }] })).id;
    const joined = async (session: Session): Promise<ClientSocket> => {
      const socket = await server.connect(session);
      unwrap(await command(socket, 'townhall:join', { townHallId }));
      return socket;
    };
    const [hostSocket, viewer] = await Promise.all([joined(host), server.guest('Viewer').then(joined)]);
    const hostMedia = mediaClient(hostSocket, townHallId);
    const viewerMedia = mediaClient(viewer, townHallId);
    await Promise.all([hostMedia.join(), viewerMedia.join()]);
    const consumers = async () => total(await (await scrape(`Bearer ${TOKEN}`)).text(), 'roundtable_media_worker_consumers');
    expect(await consumers()).toBe(0);

    const camera = await hostMedia.produce(await hostMedia.transport('send'), 'camera');
    await viewerMedia.consume(await viewerMedia.transport('recv'), camera);
    expect(await consumers()).toBe(1);

    viewer.disconnect();
    await expect.poll(consumers).toBe(0);
    hostSocket.disconnect();
  });

  it('is off unless configured: the path is not found', async () => {
    const plain = await startTestServer();
    try {
      expect((await fetch(`${plain.url}/metrics`)).status).toBe(404);
    } finally {
      await plain.close();
    }
  });

  describe('on an address of its own', () => {
    let node: NodeProcess;
    beforeAll(async () => {
      node = await startNode({ env: { ROUNDTABLE_METRICS_ADDRESS: '127.0.0.1:0' } });
    }, 60_000);
    afterAll(() => node?.stop());

    it('serves the metrics there without a token, and not on the public port', async () => {
      expect(node.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
      const res = await fetch(node.metricsUrl!);
      expect(res.status).toBe(200);
      expect(sample(await res.text(), 'roundtable_connections')).toBe(0);
      expect((await fetch(`${node.url}/metrics`)).status).toBe(404);
      expect((await fetch(node.metricsUrl!.replace('/metrics', '/api/session'))).status).toBe(404);
    });
  });
});
