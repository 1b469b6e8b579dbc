// Town hall video on two server processes and one Redis, each node with its own mediasoup worker,
// when a node dies (SIGKILL): the edge a viewer watched through, or the home every producer
// reached. The lease of the town hall's media moves, people join again, and video carries on.
import { afterEach, describe, expect, it } from 'vitest';
import type { Stores } from '../../server/stores.js';
import { openSharedStores, staffAt } from '../support/cluster.js';
import { mediaClient, useCachedWorker } from '../support/media.js';
import { connectTo, guestAt, startBalancer, startNode, type NodeProcess } from '../support/nodes.js';
import { freshRedisUrl } from '../support/redis.js';
import { command, nextEvent, unwrap, type ClientSocket } from '../support/server.js';

useCachedWorker();

const LEASE_MS = 1500;
const NODE_ENV = { ROUNDTABLE_MEDIA_LEASE_MS: String(LEASE_MS), ROUNDTABLE_MEDIA_WORKERS: '1', ROUNDTABLE_LOG_LEVEL: 'error' };

/** Resolves when the socket is connected again (after its node died), through the balancer. */
const reconnected = (socket: ClientSocket) => new Promise<void>((resolve) => socket.io.once('reconnect', () => resolve()));

describe('video when a node dies', () => {
  let nodes: NodeProcess[] = [];
  let alive: NodeProcess[] = [];
  let balancers: Awaited<ReturnType<typeof startBalancer>>[] = [];
  let sockets: ClientSocket[] = [];
  let stores: Stores | undefined;

  afterEach(async () => {
    for (const socket of sockets) socket.disconnect();
    await Promise.all(balancers.map((b) => b.close()));
    await Promise.all(alive.map((n) => n.stop()));
    await stores?.close();
    [nodes, alive, balancers, sockets, stores] = [[], [], [], [], undefined];
  });

  /** Two nodes; a town hall whose host connects to node A first and a resident to node B first. */
  async function cluster() {
    const redisUrl = await freshRedisUrl();
    nodes = await Promise.all([0, 1].map(() => startNode({ redisUrl, env: NODE_ENV })));
    alive = [...nodes];
    const [a, b] = nodes as [NodeProcess, NodeProcess];
    // Each balancer sends connections to its node while it is up, like a balancer that happened
    // to pick it, and to any node that is up once it is not.
    const prefer = (own: NodeProcess) => () => (alive.includes(own) ? [own] : alive).map((n) => n.port);
    const toA = await startBalancer(prefer(a));
    const toB = await startBalancer(prefer(b));
    balancers = [toA, toB];
    stores = await openSharedStores(redisUrl);
    const officer = await staffAt(stores, a.url, 'officer', 'Officer Diaz');
    const townHallId = (
      await stores.townHalls.create({
        title: 'Video failover',
        description: '',
        startsAt: 1,
        status: 'live',
        moderation: 'post',
        hosts: [{ id: officer.me.id, displayName: 'Officer Diaz' }],
      })
    ).id;
    const host = await connectTo(toA.url, officer, true);
    const resident = await guestAt(b.url, 'Rosa');
    const viewer = await connectTo(toB.url, resident, true);
    sockets.push(host, viewer);
    for (const socket of [host, viewer]) unwrap(await command(socket, 'townhall:join', { townHallId }));
    return { a, b, townHallId, host, viewer, resident };
  }

  const kill = async (node: NodeProcess) => {
    alive = alive.filter((n) => n !== node);
    await node.kill();
  };

  it('moves a viewer whose node died to the other node, where the video still plays, and ends what that node carried', async () => {
    const { b, townHallId, host, viewer, resident } = await cluster();
    const hostMedia = mediaClient(host, townHallId);
    // The host opens the media first: node A is its home, node B an edge.
    await hostMedia.join();
    const camera = await hostMedia.produce(await hostMedia.transport('send'), 'camera');
    const viewerMedia = mediaClient(viewer, townHallId);
    expect((await viewerMedia.join()).producers.map((p) => p.id)).toEqual([camera]);
    await viewerMedia.consume(await viewerMedia.transport('recv'), camera);

    // The resident, on stage through node B, publishes there: node A receives it through the pipe.
    unwrap(await command(viewer, 'stage:raise-hand', { townHallId }));
    unwrap(await command(host, 'stage:invite', { townHallId, userId: resident.me.id }));
    const seenByHost = nextEvent(host, 'media:producer-added', (p) => p.producer.userId === resident.me.id);
    const microphone = await viewerMedia.produce(await viewerMedia.transport('send'), 'microphone');
    await seenByHost;
    await hostMedia.consume(await hostMedia.transport('recv'), microphone);

    // Node B dies. Its producer cannot say it ended: the home says so once B stops answering.
    const ended = nextEvent(host, 'media:producer-closed', (p) => p.producerId === microphone, 4 * LEASE_MS);
    const back = reconnected(viewer);
    await kill(b);
    await back;
    await ended;

    // The viewer is on node A now, joins again and receives the camera as before.
    unwrap(await command(viewer, 'townhall:join', { townHallId }));
    const again = await viewerMedia.join();
    expect(again.producers.map((p) => p.id)).toEqual([camera]);
    const consumer = await viewerMedia.consume(await viewerMedia.transport('recv'), camera);
    expect(consumer).toMatchObject({ producerId: camera, kind: 'video' });
  }, 60_000);

  it('moves the media home off a node that died: viewers join again on theirs, the host publishes again, and they receive it', async () => {
    const { a, townHallId, host, viewer } = await cluster();
    const hostMedia = mediaClient(host, townHallId);
    await hostMedia.join();
    const camera = await hostMedia.produce(await hostMedia.transport('send'), 'camera');
    const viewerMedia = mediaClient(viewer, townHallId);
    await viewerMedia.join();
    await viewerMedia.consume(await viewerMedia.transport('recv'), camera);
    const firstHome = await stores!.coordination.mediaHomes.holder(townHallId);
    expect(firstHome).not.toBeNull();

    // Node A, the home, dies: the viewer's node B notices, closes its router and says why.
    const moved = nextEvent(viewer, 'media:closed', () => true, 4 * LEASE_MS);
    const hostBack = reconnected(host);
    await kill(a);
    expect(await moved).toEqual({ townHallId, reason: 'moved' });

    // Joining again on node B makes B the home; the camera went with node A.
    expect((await viewerMedia.join()).producers).toEqual([]);
    // The host's browser reconnects (to B), joins again and publishes again, as the page does.
    await hostBack;
    unwrap(await command(host, 'townhall:join', { townHallId }));
    await hostMedia.join();
    const added = nextEvent(viewer, 'media:producer-added', (p) => p.producer.source === 'camera');
    const republished = await hostMedia.produce(await hostMedia.transport('send'), 'camera');
    expect((await added).producer.id).toBe(republished);
    const consumer = await viewerMedia.consume(await viewerMedia.transport('recv'), republished);
    expect(consumer).toMatchObject({ producerId: republished, kind: 'video' });
    const newHome = await stores!.coordination.mediaHomes.holder(townHallId);
    expect([newHome === null, newHome === firstHome]).toEqual([false, false]);
  }, 60_000);
});
