// A page whose join goes unanswered on a live socket asks again. After a restart under a whole
// crowd, a server can take longer than the page's 10 s command timeout to answer a join while
// the socket itself stays up; the page used to give up and stay unjoined (no questions, no
// facts) until the next reconnect, which never came. Here the answer to one join is held back
// on its way to the page (the server did the join; its answer is late), the page's clock is
// moved past the command timeout, and the page must join by itself. Real server process, real
// Chromium; the WebSocket between them passes through the test, which holds that one answer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import type { Stores } from '../../server/stores.js';
import { joinTownHall, launchChromium, personPage, questionCard, requireBuiltClient } from '../support/browser.js';
import { openSharedStores } from '../support/cluster.js';
import { connectTo, guestAt, startNode, type NodeProcess } from '../support/nodes.js';
import { freshRedisUrl } from '../support/redis.js';
import { command, unwrap } from '../support/server.js';

describe('a join the server does not answer in time', () => {
  let node: NodeProcess;
  let stores: Stores;
  let browser: Browser;

  beforeAll(async () => {
    const redisUrl = await freshRedisUrl();
    node = await startNode({ redisUrl, env: { ROUNDTABLE_CLIENT_DIR: requireBuiltClient() } });
    stores = await openSharedStores(redisUrl);
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await node?.stop();
    await stores?.close();
  });

  const liveTownHall = async (title: string) =>
    (await stores.townHalls.create({ title, description: '', startsAt: Date.now(), status: 'live', moderation: 'post', hosts: [] })).id;

  it('is asked again, with back-off, while the socket stays up, and the page ends joined', async () => {
    const first = await liveTownHall('First town hall');
    const second = await liveTownHall('Second town hall');
    // Someone already asked in the second town hall: the page shows it once it has joined there.
    const asker = await connectTo(node.url, await guestAt(node.url, 'Bea'));
    unwrap(await command(asker, 'townhall:join', { townHallId: second }));
    unwrap(await command(asker, 'qa:ask', { townHallId: second, text: 'Will the crosswalk on Pine Street be repainted?' }));
    asker.disconnect();

    const page = await personPage(browser);
    // The page's timers run on a clock the test can move, so the 10 s timeout needs no 10 s wait.
    await page.clock.install();
    // Socket.IO packets: the page's `42<id>["townhall:join",{"townHallId":…}]`, the server's
    // `43<id>[…]` answer. The first join of the second town hall is answered to nobody.
    const joins = { sent: 0, held: 0 };
    let heldId: string | null = null;
    await page.routeWebSocket(/\/socket\.io\//, (ws) => {
      const server = ws.connectToServer();
      ws.onMessage((message) => {
        const text = String(message);
        const join = /^42(\d+)\["townhall:join",\{"townHallId":"([^"]+)"/.exec(text);
        if (join?.[2] === second && joins.sent++ === 0) heldId = join[1]!;
        server.send(message);
      });
      server.onMessage((message) => {
        if (heldId !== null && String(message).startsWith(`43${heldId}[`)) {
          joins.held++;
          return;
        }
        ws.send(message);
      });
    });
    await joinTownHall(page, `${node.url}/townhall/${first}`, 'Carmen');

    // The page, connected all along, goes to the second town hall; its join's answer is lost.
    await page.evaluate((path) => {
      history.pushState(null, '', path);
      dispatchEvent(new PopStateEvent('popstate'));
    }, `/townhall/${second}`);
    await expect.poll(() => joins.held).toBe(1);
    expect(await questionCard(page, 'Pine Street').count()).toBe(0);
    // Past the command timeout, then past the longest first back-off (1.5 s): the page asks again.
    await page.clock.fastForward(10_500);
    await page.clock.fastForward(2_000);
    await expect.poll(() => joins.sent, { timeout: 10_000 }).toBe(2);
    await expect.poll(() => questionCard(page, 'Pine Street').count(), { timeout: 10_000 }).toBe(1);
    await page.context().close();
  }, 90_000);
});
