// A town hall's media across nodes: one home node (a lease in the coordination seam) whose router
// every producer reaches, and on every other node with viewers an edge router fed from the home
// through a PipeTransport pair (mediasoup's way to spread a router over machines). Producers made
// on an edge go up to the home, which passes them on to the other edges.
import { randomUUID } from 'node:crypto';
import type { MediaService, NodePipe, PipeEnd, PipedProducer, TownHallMedia } from '../../media/index.js';
import { CommandError, ErrorCode } from '../../shared/errors.js';
import { MailTimeoutError, NodeUnreachableError, type Coordination, type Mailbox } from '../core/coordination.js';
import type { Logger } from '../core/log.js';
import { MediaLink, TOPIC, type ChangeBody, type ProducedBody, type UnlinkBody } from './media-link.js';

/** A home's lease lasts this long unless renewed (a third of it apart): the failover time. */
export const DEFAULT_LEASE_MS = 10_000;

export interface MediaNodesOptions {
  media: MediaService;
  coordination: Pick<Coordination, 'mediaHomes' | 'mailbox'>;
  log: Logger;
  leaseMs?: number;
  /**
   * A producer that came from a node now gone (or whose media closed) has closed here: say so
   * to the room, since its own node cannot.
   */
  onOrphanClosed(townHallId: string, producerId: string): void;
}

type Place =
  | { role: 'home'; media: TownHallMedia; links: Map<string, MediaLink> }
  | { role: 'edge'; media: TownHallMedia; link: MediaLink };

interface LinkRequest {
  townHallId: string;
  linkId: string;
  end: PipeEnd;
}
interface LinkAnswer {
  end: PipeEnd;
  producers: PipedProducer[];
}

export interface MediaNodes {
  readonly nodeId: string;
  /**
   * This node's media of the town hall, part of the town hall's media everywhere: this node
   * becomes its home when no live node is, or links to the home. Concurrent callers share one.
   */
  mediaFor(townHallId: string): Promise<TownHallMedia>;
  /** Whether this node is the town hall's media home (it then speaks for the whole of it). */
  isHome(townHallId: string): boolean;
  /** A producer made on this node reaches every node's router before it is announced. */
  published(townHallId: string, producerId: string): Promise<void>;
  close(): Promise<void>;
}

const moving = () => new CommandError(ErrorCode.UNAVAILABLE, 'The video is moving to another server; try again in a moment.');

export function createMediaNodes(options: MediaNodesOptions): MediaNodes {
  const { media, log } = options;
  const homes = options.coordination.mediaHomes;
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  const nodeId = randomUUID();
  const warn = (err: unknown, fields: Record<string, unknown>, message: string) =>
    log.warn({ ...fields, err: err instanceof Error ? err.message : String(err) }, message);
  // Assigned once the mailbox is open; nothing below runs before (mediaFor waits for it).
  let mailbox: Mailbox | undefined;
  const openMailbox = () =>
    options.coordination.mailbox(nodeId).then((opened) => {
      mailbox = opened;
      answerMail(opened);
    });
  let ready = openMailbox();
  ready.catch((err: unknown) => warn(err, {}, 'the media mailbox did not open; the next join tries again'));
  /** The open mailbox, opening it again if the first attempt failed (Redis was down). */
  const opened = async (): Promise<Mailbox> => {
    await ready.catch(() => (ready = openMailbox()));
    await ready;
    return mailbox!;
  };
  const places = new Map<string, Place>();
  /** Every open link, by id, from the moment either side makes it (messages may precede the answer). */
  const links = new Map<string, MediaLink>();
  const inFlight = new Map<string, Promise<TownHallMedia>>();

  const linkOf = (linkId: string): MediaLink => {
    const link = links.get(linkId);
    if (link === undefined || link.closed) throw new Error('no such link');
    return link;
  };
  const newLink = (id: string, townHallId: string, peer: string, pipe: NodePipe) => {
    const link = new MediaLink({ id, townHallId, peer, pipe, mailbox: mailbox!, log });
    links.set(id, link);
    pipe.onClose(() => links.delete(id));
    return link;
  };

  /** Closes a home's link to an edge; what came from that edge closes here and is announced. */
  const dropEdge = (place: Extract<Place, { role: 'home' }>, link: MediaLink) => {
    place.links.delete(link.id);
    const orphans = link.pipe.received;
    link.close();
    for (const producerId of orphans) options.onOrphanClosed(link.townHallId, producerId);
  };

  /** Ends this node's part of a town hall's media: the peers on it are told and join again. */
  const leave = (townHallId: string) => {
    const place = places.get(townHallId);
    if (place !== undefined && !place.media.closed) place.media.close('moved');
  };

  /** A home gives each edge every producer it has, and then each new one. */
  const distribute = async (place: Extract<Place, { role: 'home' }>, producerId: string, from?: MediaLink) => {
    const sends = [...place.links.values()].filter((link) => link !== from).map((link) => link.sendProducer(producerId));
    for (const result of await Promise.allSettled(sends)) {
      if (result.status === 'rejected') warn(result.reason, { townHall: place.media.townHallId }, 'a producer did not reach an edge node');
    }
  };

  /** Links this node's new media to the home's: pipes both ways, then every producer the home has. */
  const linkTo = async (home: string, townHallId: string, local: TownHallMedia): Promise<MediaLink> => {
    const pipe = await local.openNodePipe();
    const link = newLink(randomUUID(), townHallId, home, pipe);
    try {
      const request: LinkRequest = { townHallId, linkId: link.id, end: pipe.local };
      const answer = (await mailbox!.request(home, TOPIC.link, request)) as LinkAnswer;
      await pipe.connect(answer.end);
      // In turn with the producers the home sends meanwhile (any of them may be in both).
      await link.handle(async () => {
        for (const producer of answer.producers) await pipe.receive(producer);
      });
      return link;
    } catch (err) {
      link.close();
      throw err;
    }
  };

  const open = async (townHallId: string): Promise<TownHallMedia> => {
    for (let attempt = 1; ; attempt++) {
      const home = await homes.claim(townHallId, nodeId, leaseMs);
      const local = await media.mediaFor(townHallId);
      if (home === nodeId) {
        places.set(townHallId, { role: 'home', media: local, links: new Map() });
        log.info({ townHall: townHallId, node: nodeId }, 'this node is home to the town hall media');
        return local;
      }
      try {
        const link = await linkTo(home, townHallId, local);
        if (local.closed) throw moving();
        places.set(townHallId, { role: 'edge', media: local, link });
        return local;
      } catch (err) {
        // Not 'moved': nobody was in this media yet, so nobody is told to join again.
        local.close('closed');
        // A home nobody answers for is gone: its lease goes at once, not when it lapses.
        if (err instanceof NodeUnreachableError) await homes.release(townHallId, home);
        warn(err, { townHall: townHallId, home }, 'could not link to the home node of the town hall media');
        if (attempt >= 2) throw moving();
      }
    }
  };

  /** What this node answers other nodes about links (as a home, and as an edge). */
  function answerMail(box: Mailbox): void {
    // The home's side of a link.
    box.handle(TOPIC.link, async (body, from) => {
      const { townHallId, linkId, end } = body as LinkRequest;
      if ((await homes.holder(townHallId)) !== nodeId) throw new Error('not home');
      await nodes.mediaFor(townHallId);
      const place = places.get(townHallId);
      if (place?.role !== 'home') throw new Error('not home');
      const pipe = await place.media.openNodePipe();
      const link = newLink(linkId, townHallId, from, pipe);
      try {
        await pipe.connect(end);
        // Listed after the link is known, so a producer made meanwhile is sent (maybe twice: received once).
        place.links.set(linkId, link);
        const producers: PipedProducer[] = [];
        for (const producer of place.media.producers()) producers.push(await pipe.send(producer.id));
        const answer: LinkAnswer = { end: pipe.local, producers };
        return answer;
      } catch (err) {
        place.links.delete(linkId);
        link.close();
        throw err;
      }
    });

    box.handle(TOPIC.produced, async (body) => {
      const { linkId, producer } = body as ProducedBody;
      const link = linkOf(linkId);
      link.heardAt = Date.now();
      await link.handle(async () => {
        await link.pipe.receive(producer);
        const place = places.get(link.townHallId);
        // The home passes an edge's producer on before answering, so once its origin announces it,
        // every node has it.
        if (place?.role === 'home') await distribute(place, producer.id, link);
      });
      return null;
    });

    box.handle(TOPIC.change, async (body) => {
      const { linkId, producerId, change } = body as ChangeBody;
      const link = linkOf(linkId);
      link.heardAt = Date.now();
      await link.handle(() => link.pipe.apply(producerId, change));
      return null;
    });

    box.handle(TOPIC.ping, async (body) => {
      const link = linkOf((body as { linkId: string }).linkId);
      link.heardAt = Date.now();
      return null;
    });

    box.handle(TOPIC.unlink, async (body) => {
      const { linkId, reason } = body as UnlinkBody;
      let link: MediaLink;
      try {
        link = linkOf(linkId);
      } catch {
        return null;
      }
      const place = places.get(link.townHallId);
      if (reason === 'ended') place?.media.close('closed');
      else if (place?.role === 'home') dropEdge(place, link);
      else leave(link.townHallId);
      return null;
    });
  }

  // A node's media of a town hall closing, however it closes, ends its links and its lease.
  const onMediaClose = ({ townHallId, reason }: { townHallId: string; reason: string }) => {
    const place = places.get(townHallId);
    if (place === undefined || !place.media.closed) return;
    places.delete(townHallId);
    const why: UnlinkBody['reason'] = reason === 'closed' ? 'ended' : 'gone';
    if (place.role === 'home') {
      for (const link of place.links.values()) {
        link.unlink(why);
        link.close();
      }
      void homes.release(townHallId, nodeId).catch((err: unknown) => warn(err, { townHall: townHallId }, 'could not release the media lease'));
    } else {
      place.link.unlink(why);
      place.link.close();
    }
  };
  media.events.on('mediaclose', onMediaClose);

  /**
   * Keeps leases and links alive, and notices homes and edges that are gone. Redis failing is not
   * a node gone: the pipes carry media without it, so nothing closes until a node is known gone.
   */
  const tick = async (box: Mailbox) => {
    const now = Date.now();
    const held = [...places].filter(([, place]) => place.role === 'home').map(([id]) => id);
    let renewed = true;
    const lost = await homes.renew(nodeId, held, leaseMs).catch((err: unknown) => {
      renewed = false;
      warn(err, {}, 'could not renew the media leases');
      return [];
    });
    for (const townHallId of lost) {
      // Lapsed (Redis restarted, or this node stalled): still ours if nobody took it meanwhile.
      const holder = await homes.claim(townHallId, nodeId, leaseMs).catch(() => nodeId);
      if (holder !== nodeId) leave(townHallId);
    }
    for (const [townHallId, place] of places) {
      if (place.role === 'home') {
        // An edge silent for a whole lease, while Redis carries messages, is gone.
        for (const link of [...place.links.values()]) {
          if (renewed && now - link.heardAt > leaseMs) dropEdge(place, link);
        }
        continue;
      }
      const { link } = place;
      try {
        await box.request(link.peer, TOPIC.ping, { linkId: link.id }, leaseMs / 3);
        link.heardAt = Date.now();
        const holder = await homes.holder(townHallId);
        if (holder !== null && holder !== link.peer) leave(townHallId);
      } catch (err) {
        if (err instanceof NodeUnreachableError) {
          // The home's process is gone: free its lease so the next join here takes over.
          await homes.release(townHallId, link.peer).catch(() => false);
          leave(townHallId);
        } else if (err instanceof Error && err.message === 'no such link') leave(townHallId);
        else if (err instanceof MailTimeoutError && Date.now() - link.heardAt > leaseMs) leave(townHallId);
      }
    }
  };
  let ticking: Promise<void> | null = null;
  const timer = setInterval(() => {
    if (mailbox === undefined) return;
    ticking ??= tick(mailbox)
      .catch((err: unknown) => warn(err, {}, 'media lease tick failed'))
      .finally(() => (ticking = null));
  }, Math.max(50, Math.floor(leaseMs / 3)));
  timer.unref();

  const nodes: MediaNodes = {
    nodeId,
    mediaFor(townHallId) {
      const place = places.get(townHallId);
      if (place !== undefined && !place.media.closed) return Promise.resolve(place.media);
      let pending = inFlight.get(townHallId);
      if (pending === undefined) {
        pending = opened().then(() => open(townHallId)).finally(() => inFlight.delete(townHallId));
        inFlight.set(townHallId, pending);
      }
      return pending;
    },
    isHome: (townHallId) => places.get(townHallId)?.role === 'home',
    async published(townHallId, producerId) {
      const place = places.get(townHallId);
      if (place === undefined) return;
      if (place.role === 'home') await distribute(place, producerId);
      else {
        await place.link.sendProducer(producerId).catch((err: unknown) => {
          warn(err, { townHall: townHallId }, 'a producer did not reach the home node');
        });
      }
    },
    async close() {
      clearInterval(timer);
      await ticking;
      media.events.off('mediaclose', onMediaClose);
      for (const [townHallId, place] of places) {
        if (place.role === 'home') {
          for (const link of place.links.values()) link.unlink('gone');
          await homes.release(townHallId, nodeId).catch(() => false);
        } else place.link.unlink('gone');
      }
      places.clear();
      await mailbox?.close().catch(() => undefined);
    },
  };
  return nodes;
}
