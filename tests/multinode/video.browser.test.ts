// Video across nodes as people use it: two server processes with a mediasoup worker each, on one
// Redis, each person's browser behind a balancer that sends it to "their" node while it is up.
// A resident watches through node B while the officer goes live through node A; node B is killed
// (SIGKILL), the resident's page moves to node A, and the video plays again. Real Chromium with
// its fake camera.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { createIdentityService } from '../../server/identity/service.js';
import type { Stores } from '../../server/stores.js';
import { joinTownHall, launchChromium, requireBuiltClient, screenshot, signInAsStaff, STAFF_PASSWORD } from '../support/browser.js';
import { openSharedStores } from '../support/cluster.js';
import { useCachedWorker } from '../support/media.js';
import { startBalancer, startNode, type NodeProcess } from '../support/nodes.js';
import { freshRedisUrl } from '../support/redis.js';

useCachedWorker();

const OFFICER = { username: 'nodesofficer', displayName: 'Lt. Okafor' };
const LEASE_MS = 2000;

/** A remote person's camera tile, found by the name in its caption. */
const tileOf = (page: Page, name: string): Locator =>
  page.getByTestId('video-tile').filter({ has: page.locator('figcaption', { hasText: name }) }).and(page.locator('[data-local="false"]'));

/** The video's decoded frames and picture width, once it has a picture; zeros before. */
const picture = (video: Locator) =>
  video
    .evaluate((video: HTMLVideoElement) => ({ width: video.videoWidth, frames: video.videoWidth > 0 ? video.getVideoPlaybackQuality().totalVideoFrames : 0 }))
    .catch(() => ({ width: 0, frames: 0 }));

/** Waits until the video has a picture and keeps decoding frames. */
async function expectVideoPlaying(video: Locator, timeout = 20_000): Promise<void> {
  await expect.poll(async () => (await picture(video)).frames, { timeout }).toBeGreaterThan(0);
  const before = (await picture(video)).frames;
  await expect.poll(async () => (await picture(video)).frames, { timeout: 10_000 }).toBeGreaterThan(before + 5);
  expect((await picture(video)).width).toBeGreaterThan(0);
}

describe('town hall video across two nodes in the browser', () => {
  let nodes: NodeProcess[] = [];
  let alive: NodeProcess[] = [];
  let balancers: Awaited<ReturnType<typeof startBalancer>>[] = [];
  let stores: Stores;
  let browser: Browser;
  let officerId: string;
  let startNodeB: () => Promise<void>;

  beforeAll(async () => {
    const clientDir = requireBuiltClient();
    const redisUrl = await freshRedisUrl();
    // Each balancer sends every connection to its own node while that node is up, then to any
    // node that is (a page makes many connections: all of them must reach the same node).
    const prefer = (index: number) => () => {
      const own = nodes[index];
      return (own !== undefined && alive.includes(own) ? [own] : alive).map((n) => n.port);
    };
    balancers = [await startBalancer(prefer(0)), await startBalancer(prefer(1))];
    const env = {
      ROUNDTABLE_MEDIA_LEASE_MS: String(LEASE_MS),
      ROUNDTABLE_MEDIA_WORKERS: '1',
      ROUNDTABLE_CLIENT_DIR: clientDir,
      // The pages are opened through the balancers, so those are the origins they connect from.
      ROUNDTABLE_ALLOWED_ORIGINS: balancers.map((b) => b.url).join(','),
    };
    nodes = await Promise.all([0, 1].map(() => startNode({ redisUrl, env })));
    alive = [...nodes];
    // A node B started again (after one was killed) takes the killed one's place behind its balancer.
    startNodeB = async () => {
      nodes[1] = await startNode({ redisUrl, env });
      alive.push(nodes[1]);
    };
    stores = await openSharedStores(redisUrl);
    officerId = (await createIdentityService(stores.identity).createStaff({ ...OFFICER, password: STAFF_PASSWORD, role: 'officer' })).id;
    browser = await launchChromium(['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream']);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await Promise.all(balancers.map((b) => b.close()));
    await Promise.all(alive.map((n) => n.stop()));
    await stores?.close();
  });

  async function personAt(origin: string): Promise<Page> {
    const context: BrowserContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await context.grantPermissions(['camera', 'microphone'], { origin });
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    return page;
  }

  const townHallPath = async () => {
    const { id } = await stores.townHalls.create({
      title: 'Two-node town hall',
      description: '',
      startsAt: Date.now(),
      status: 'live',
      moderation: 'post',
      hosts: [{ id: officerId, displayName: OFFICER.displayName }],
    });
    return { townHallId: id, path: `/townhall/${id}` };
  };
  const killNodeB = async () => {
    const b = nodes[1]!;
    alive = alive.filter((n) => n !== b);
    await b.kill();
  };

  it("shows the officer live through node A to a resident on node B, and again once node B (the video's home) dies and the page moves to A", async () => {
    const [viaA, viaB] = balancers as [Awaited<ReturnType<typeof startBalancer>>, Awaited<ReturnType<typeof startBalancer>>];
    const { townHallId, path } = await townHallPath();

    // The resident arrives first, through node B, which so becomes the home of the video.
    const resident = await personAt(viaB.url);
    await joinTownHall(resident, `${viaB.url}${path}`, 'Alice');
    await expect.poll(() => resident.getByTestId('media-waiting').textContent()).toContain('The officers have not started the video yet');

    // The officer goes live through node A: the camera goes up to node B's router through the pipe.
    const host = await personAt(viaA.url);
    await signInAsStaff(host, viaA.url, OFFICER.username, path);
    await host.getByRole('button', { name: 'Go live with camera and microphone' }).click();
    await host.getByRole('button', { name: 'Stop broadcasting' }).waitFor();

    const video = tileOf(resident, OFFICER.displayName).locator('video');
    await expectVideoPlaying(video);
    await screenshot(resident, 'multinode-resident-on-node-b');
    // Marked, so that what plays after the failover is known to be a new stream, not this one.
    await video.evaluate((element: HTMLVideoElement) => (element.dataset.beforeFailover = 'yes'));
    const home = await stores.coordination.mediaHomes.holder(townHallId);

    // Node B dies with the resident's connection and the video's home. The officer's node takes
    // the video over (the page there joins again and publishes again by itself); the resident's
    // page reconnects through its balancer to node A and receives the camera from there.
    await killNodeB();
    await expectVideoPlaying(tileOf(resident, OFFICER.displayName).locator('video:not([data-before-failover])'), 30_000);
    await host.getByRole('button', { name: 'Stop broadcasting' }).waitFor();
    // The home moved (node B was it) to node A.
    const newHome = await stores.coordination.mediaHomes.holder(townHallId);
    expect([home === null, newHome === null, newHome === home]).toEqual([false, false, false]);
    await screenshot(resident, 'multinode-resident-after-failover');
    await Promise.all([resident.context().close(), host.context().close()]);
  }, 120_000);

  it('moves a resident whose node B died to node A, the video home, where the video plays again', async () => {
    await startNodeB();
    const [viaA, viaB] = balancers as [Awaited<ReturnType<typeof startBalancer>>, Awaited<ReturnType<typeof startBalancer>>];
    const { townHallId, path } = await townHallPath();
    // The officer arrives first, through node A: A is the video's home, node B an edge.
    const host = await personAt(viaA.url);
    await signInAsStaff(host, viaA.url, OFFICER.username, path);
    await host.getByRole('button', { name: 'Go live with camera and microphone' }).click();
    await host.getByRole('button', { name: 'Stop broadcasting' }).waitFor();
    const home = await stores.coordination.mediaHomes.holder(townHallId);

    const resident = await personAt(viaB.url);
    await joinTownHall(resident, `${viaB.url}${path}`, 'Bob');
    const video = tileOf(resident, OFFICER.displayName).locator('video');
    await expectVideoPlaying(video);
    await video.evaluate((element: HTMLVideoElement) => (element.dataset.beforeFailover = 'yes'));

    await killNodeB();
    await expectVideoPlaying(tileOf(resident, OFFICER.displayName).locator('video:not([data-before-failover])'), 30_000);
    // The home did not move: the officer's broadcast went on untouched.
    expect(await stores.coordination.mediaHomes.holder(townHallId)).toBe(home);
    await Promise.all([resident.context().close(), host.context().close()]);
  }, 120_000);
});
