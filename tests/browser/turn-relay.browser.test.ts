// Video for residents behind a firewall that lets no media through: their browser reaches the
// media only through a TURN relay. Here the officer's and the resident's pages may use nothing
// but relayed candidates (`iceTransportPolicy: 'relay'`, forced from the test, never by the
// app), the relay is Debian's coturn started by the test, and the credentials are the ones the
// server hands out with each transport. Real mediasoup, real Chromium with its fake camera.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import type { IceServer } from '../../shared/media.js';
import { turnCredentials } from '../../server/townhall/turn.js';
import { startCoturn, type Coturn } from '../support/coturn.js';
import { joinTownHall, launchChromium, requireBuiltClient, signInAsStaff, STAFF_PASSWORD } from '../support/browser.js';
import { startTestServer, type TestServer } from '../support/server.js';

const OFFICER = { username: 'relayofficer', displayName: 'Sgt. Nakamura' };
const RESIDENT = 'Resident Behind Firewall';

/**
 * As if every direct path were blocked: each RTCPeerConnection the page makes may only use relayed
 * candidates, and with `tcpOnly` reaches the relay only over TCP (as if UDP were blocked too). The
 * connections are kept so the test can read their stats and ICE errors.
 */
function relayOnly({ tcpOnly }: { tcpOnly: boolean }): void {
  const Native = window.RTCPeerConnection;
  const seen: { pc: RTCPeerConnection; errors: number[] }[] = [];
  (window as unknown as { __relayed: typeof seen }).__relayed = seen;
  const overTcp = (servers: RTCIceServer[] = []): RTCIceServer[] =>
    servers.map((server) => ({ ...server, urls: [server.urls].flat().filter((url) => url.endsWith('?transport=tcp')) }));
  window.RTCPeerConnection = class extends Native {
    constructor(config?: RTCConfiguration) {
      super({ ...config, iceTransportPolicy: 'relay', ...(tcpOnly ? { iceServers: overTcp(config?.iceServers) } : {}) });
      const entry = { pc: this as RTCPeerConnection, errors: [] as number[] };
      this.addEventListener('icecandidateerror', (event) => entry.errors.push((event as RTCPeerConnectionIceErrorEvent).errorCode));
      seen.push(entry);
    }
  };
}

interface PathReport {
  /** The selected pair's local candidate type ('relay' through TURN). */
  localType: string | null;
  relayProtocol: string | null;
  /** The TURN URLs the page was given. */
  iceServerUrls: string[];
  framesDecoded: number;
  framesSent: number;
  iceErrors: number[];
  /** Local candidates of any other type than relay. */
  direct: number;
}

/** What each open peer connection of the page carries media over. */
const paths = (page: Page): Promise<PathReport[]> =>
  page.evaluate(async () => {
    const reports: PathReport[] = [];
    for (const { pc, errors } of (window as unknown as { __relayed: { pc: RTCPeerConnection; errors: number[] }[] }).__relayed) {
      if (pc.connectionState === 'closed' || pc.getTransceivers().length === 0) continue;
      const stats = await pc.getStats();
      const report: PathReport = {
        localType: null,
        relayProtocol: null,
        iceServerUrls: (pc.getConfiguration().iceServers ?? []).flatMap((s) => (Array.isArray(s.urls) ? s.urls : [s.urls])),
        framesDecoded: 0,
        framesSent: 0,
        iceErrors: errors,
        direct: 0,
      };
      stats.forEach((r: Record<string, unknown>) => {
        if (r.type === 'inbound-rtp' && r.kind === 'video') report.framesDecoded += Number(r.framesDecoded ?? 0);
        if (r.type === 'outbound-rtp' && r.kind === 'video') report.framesSent += Number(r.framesSent ?? 0);
        if (r.type === 'local-candidate' && r.candidateType !== 'relay') report.direct++;
        if (r.type === 'transport' && typeof r.selectedCandidatePairId === 'string') {
          const pair = stats.get(r.selectedCandidatePairId) as { localCandidateId: string } | undefined;
          const local = pair ? (stats.get(pair.localCandidateId) as { candidateType: string; relayProtocol?: string }) : undefined;
          report.localType = local?.candidateType ?? null;
          report.relayProtocol = local?.relayProtocol ?? null;
        }
      });
      reports.push(report);
    }
    return reports;
  });

/**
 * Gathers candidates with only these relays allowed, in a bare RTCPeerConnection: how many relayed
 * candidates the relay granted, and the ICE error codes it answered with.
 */
const gather = (page: Page, iceServers: IceServer[]): Promise<{ relayed: number; errors: number[] }> =>
  page.evaluate(async (servers) => {
    const pc = new RTCPeerConnection({ iceServers: servers, iceTransportPolicy: 'relay' });
    let relayed = 0;
    const errors: number[] = [];
    pc.addEventListener('icecandidate', (event) => {
      if (event.candidate?.type === 'relay') relayed++;
    });
    pc.addEventListener('icecandidateerror', (event) => errors.push((event as RTCPeerConnectionIceErrorEvent).errorCode));
    const complete = new Promise<void>((resolve) =>
      pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && resolve()),
    );
    pc.createDataChannel('probe');
    await pc.setLocalDescription(await pc.createOffer());
    await complete;
    pc.close();
    return { relayed, errors };
  }, iceServers);

const tileOf = (page: Page, name: string): Locator =>
  page.getByTestId('video-tile').filter({ has: page.locator('figcaption', { hasText: name }) }).and(page.locator('[data-local="false"]'));

const framesShown = (tile: Locator): Promise<number> =>
  tile.locator('video').evaluate((video: HTMLVideoElement) => (video.videoWidth > 0 ? video.getVideoPlaybackQuality().totalVideoFrames : 0));

describe('video through a TURN relay', () => {
  let coturn: Coturn;
  let server: TestServer;
  let browser: Browser;
  let townHallUrl: string;

  beforeAll(async () => {
    coturn = await startCoturn();
    server = await startTestServer({
      media: true,
      clientDir: requireBuiltClient(),
      turn: { urls: coturn.urls, secret: coturn.secret, ttlSeconds: 600 },
    });
    const officer = await server.app.identity.createStaff({ ...OFFICER, password: STAFF_PASSWORD, role: 'officer' });
    const { id } = await server.townHall({ title: 'Relay Town Hall', hosts: [{ id: officer.id, displayName: OFFICER.displayName }] });
    townHallUrl = `${server.url}/townhall/${id}`;
    browser = await launchChromium([
      '--use-fake-device-for-media-stream',
      '--use-fake-ui-for-media-stream',
      // Host candidates by address, not by mDNS name, so a peer on this machine's own network shows.
      '--disable-features=WebRtcHideLocalIpsWithMdns',
    ]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await coturn?.close();
  });

  const relayedPage = async (tcpOnly = false): Promise<Page> => {
    const context: BrowserContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await context.grantPermissions(['camera', 'microphone'], { origin: server.url });
    await context.addInitScript(relayOnly, { tcpOnly });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    return page;
  };

  /** The officer, live through the relay only; one page for every test (made by the first that needs it). */
  let live: Promise<Page> | undefined;
  const officerLive = () =>
    (live ??= (async () => {
      const officer = await relayedPage();
      await signInAsStaff(officer, server.url, OFFICER.username, new URL(townHallUrl).pathname);
      await officer.getByRole('button', { name: 'Go live with camera and microphone' }).click();
      await officer.getByRole('button', { name: 'Stop broadcasting' }).waitFor();
      return officer;
    })());

  it("brings the officer's video to a resident when both reach the media only through the relay", async () => {
    const resident = await relayedPage();
    await joinTownHall(resident, townHallUrl, RESIDENT);
    const officer = await officerLive();

    const tile = tileOf(resident, OFFICER.displayName);
    await expect.poll(() => framesShown(tile), { timeout: 20_000 }).toBeGreaterThan(0);
    const shown = await framesShown(tile);
    await expect.poll(() => framesShown(tile), { timeout: 10_000 }).toBeGreaterThan(shown + 5);

    // The resident decodes frames that came over a relayed pair, and gathered no direct path at all.
    const received = (await paths(resident)).filter((p) => p.framesDecoded > 0);
    expect(received.length).toBeGreaterThan(0);
    for (const path of received) {
      expect(path).toMatchObject({ localType: 'relay', relayProtocol: expect.stringMatching(/^(udp|tcp)$/), direct: 0, iceErrors: [] });
      expect(path.iceServerUrls.sort()).toEqual([...coturn.urls].sort());
    }
    // The officer's camera went up through the relay too (the send transport has its own credential).
    const sent = (await paths(officer)).filter((p) => p.framesSent > 0);
    expect(sent.length).toBeGreaterThan(0);
    for (const path of sent) expect(path).toMatchObject({ localType: 'relay', direct: 0 });

    // coturn allocated relays for credentials named `<expiry>:<random id>`, and its log holds no names.
    const log = coturn.log();
    expect(log).toMatch(/user <\d{10}:[A-Za-z0-9_-]{12}>: incoming packet ALLOCATE processed, success/);
    expect(log).not.toContain(RESIDENT);
    expect(log).not.toContain(OFFICER.displayName);
  });

  it('reaches the relay over TCP when UDP is blocked as well', async () => {
    await officerLive();
    const resident = await relayedPage(true);
    await joinTownHall(resident, townHallUrl, 'Resident Without UDP');
    const tile = tileOf(resident, OFFICER.displayName);
    await expect.poll(() => framesShown(tile), { timeout: 20_000 }).toBeGreaterThan(0);

    const received = (await paths(resident)).filter((p) => p.framesDecoded > 0);
    expect(received.length).toBeGreaterThan(0);
    for (const path of received) expect(path).toMatchObject({ localType: 'relay', relayProtocol: 'tcp', direct: 0 });
  });

  it('refuses a relay to credentials signed with another secret, or expired, and grants one to fresh ones', async () => {
    const page = await relayedPage();
    await page.goto(server.url);
    const settings = { urls: coturn.urls, secret: coturn.secret, ttlSeconds: 600 };

    const fresh = await gather(page, [turnCredentials(settings)]);
    expect(fresh.relayed).toBeGreaterThan(0);

    const otherSecret = await gather(page, [turnCredentials({ ...settings, secret: 'not-the-relays-secret-at-all' })]);
    expect(otherSecret).toEqual({ relayed: 0, errors: expect.arrayContaining([401]) });

    const anHourAgo = Date.now() - 3600_000;
    const expired = await gather(page, [turnCredentials(settings, anHourAgo)]);
    expect(expired).toEqual({ relayed: 0, errors: expect.arrayContaining([401]) });
    expect(coturn.log()).toMatch(/error 401: Unauthorized/);
  });

  it('relays to the media servers only: a peer at any other address is refused', async () => {
    const settings = { urls: coturn.urls, secret: coturn.secret, ttlSeconds: 600 };
    const relayed = await relayedPage();
    await relayed.goto(server.url);
    const direct = await (await browser.newContext()).newPage();
    await direct.goto(server.url);
    type Peer = { pc: RTCPeerConnection };

    // A browser on this machine's network address (not the media server's 127.0.0.1) offers a
    // connection; the relay-only page answers through coturn, which must not open the way to it.
    const offer = await direct.evaluate(async () => {
      const pc = new RTCPeerConnection();
      (window as unknown as Peer).pc = pc;
      pc.createDataChannel('probe');
      const gathered = new Promise<void>((resolve) =>
        pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && resolve()),
      );
      await pc.setLocalDescription(await pc.createOffer());
      await gathered;
      return pc.localDescription!.sdp;
    });
    expect(offer).toMatch(/typ host/);
    const answer = await relayed.evaluate(
      async ({ sdp, servers }) => {
        const pc = new RTCPeerConnection({ iceServers: servers });
        (window as unknown as Peer).pc = pc;
        const gathered = new Promise<void>((resolve) =>
          pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && resolve()),
        );
        await pc.setRemoteDescription({ type: 'offer', sdp });
        await pc.setLocalDescription(await pc.createAnswer());
        await gathered;
        return pc.localDescription!.sdp;
      },
      { sdp: offer, servers: [turnCredentials(settings)] },
    );
    expect(answer).toMatch(/typ relay/);
    await direct.evaluate((sdp) => (window as unknown as Peer).pc.setRemoteDescription({ type: 'answer', sdp }), answer);

    await expect.poll(() => coturn.log(), { timeout: 15_000 }).toMatch(/CREATE_PERMISSION processed, error 403/);
    expect(await relayed.evaluate(() => (window as unknown as Peer).pc.connectionState)).not.toBe('connected');
  });
});
