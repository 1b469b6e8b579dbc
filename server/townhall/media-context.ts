// What the media and stage handlers share: who is in which town hall's media on this node, the
// stage, and the few steps both take (leave, close a person's producers, tell everyone).
import type { MediaService, TownHallMedia, TownHallProducer } from '../../media/index.js';
import { MediaRequestError, MediaServiceClosedError } from '../../media/events.js';
import { CommandError, ErrorCode } from '../../shared/errors.js';
import type { ProducerInfo, StageView } from '../../shared/media.js';
import type { Sanction } from '../../shared/moderation.js';
import { canModerate } from '../../shared/roles.js';
import type { TownHall } from '../../shared/townhall.js';
import type { CommandDeps } from '../core/command.js';
import type { Coordination, StageRoster } from '../core/coordination.js';
import type { AppSocket, SessionUser } from '../core/types.js';
import type { ModerationPipeline } from '../moderation/pipeline-types.js';
import { requireJoined } from './access.js';
import { createMediaNodes, type MediaNodes } from './media-nodes.js';
import type { TownHallRoom } from './room.js';
import type { TownHallService } from './service.js';
import type { TurnSettings } from './turn.js';

export interface MediaDeps extends CommandDeps {
  /** Where the stage and video send their facts, and what closes a connection's media when it leaves. */
  room: TownHallRoom;
  /** null when this server runs without video: media and stage commands answer UNAVAILABLE. */
  media: MediaService | null;
  townHalls: TownHallService;
  moderation: ModerationPipeline;
  /** Hands and speakers, shared by every node (the coordination seam). */
  stage: StageRoster;
  /** Where each town hall's media lives and how nodes reach each other (the coordination seam). */
  coordination: Pick<Coordination, 'mediaHomes' | 'mailbox'>;
  /** How long a media home's lease lasts unrenewed: how soon video moves off a node that died. */
  mediaLeaseMs?: number;
  /** TURN relays handed to browsers with each transport (none by default). */
  turn?: TurnSettings | null;
  /** The clock TURN credentials' expiry is counted from (Date.now by default). */
  now?: () => number;
  /** Told the stage after every change announced from this node (the recording's timeline). */
  onStage?: (townHallId: string, stage: StageView) => void;
  /** Where bans and timeouts given on this node are announced (the moderation core). */
  onSanction?: (listener: (sanction: Sanction) => void) => () => void;
}

/** The connections in each town hall's media on this node, and whose they are. */
class MediaPresence {
  readonly #byTownHall = new Map<string, Map<string, SessionUser>>();

  add(townHallId: string, socketId: string, user: SessionUser): void {
    let peers = this.#byTownHall.get(townHallId);
    if (peers === undefined) this.#byTownHall.set(townHallId, (peers = new Map()));
    peers.set(socketId, user);
  }

  has(townHallId: string, socketId: string): boolean {
    return this.#byTownHall.get(townHallId)?.has(socketId) ?? false;
  }

  /** Removes one connection; whether its person has no other connection left in this media. */
  remove(townHallId: string, socketId: string): { user: SessionUser; last: boolean } | null {
    const peers = this.#byTownHall.get(townHallId);
    const user = peers?.get(socketId);
    if (peers === undefined || user === undefined) return null;
    peers.delete(socketId);
    if (peers.size === 0) this.#byTownHall.delete(townHallId);
    return { user, last: ![...peers.values()].some((other) => other.id === user.id) };
  }

  socketsOf(townHallId: string, userId: string): string[] {
    return [...(this.#byTownHall.get(townHallId) ?? [])].filter(([, user]) => user.id === userId).map(([id]) => id);
  }

  socketsIn(townHallId: string): string[] {
    return [...(this.#byTownHall.get(townHallId)?.keys() ?? [])];
  }

  townHallIds(): string[] {
    return [...this.#byTownHall.keys()];
  }

  clear(townHallId: string): void {
    this.#byTownHall.delete(townHallId);
  }
}

export function producerInfo(producer: TownHallProducer): ProducerInfo {
  const { userId, displayName, staff, source } = producer.appData;
  return { id: producer.id, userId, displayName, staff, kind: producer.kind, source, paused: producer.paused };
}

/** Runs a media step, turning the media layer's refusals into the matching command errors. */
export async function mediaStep<T>(run: () => Promise<T> | T): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof MediaRequestError) throw new CommandError(ErrorCode[error.code], error.message);
    if (error instanceof MediaServiceClosedError) throw unavailable();
    throw error;
  }
}

const unavailable = () =>
  new CommandError(ErrorCode.UNAVAILABLE, 'Video is off on this server; questions and chat still work.');

export function createMediaContext(deps: MediaDeps) {
  const { room, townHalls } = deps;
  const presence = new MediaPresence();
  const { stage } = deps;

  const service = (): MediaService => {
    if (deps.media === null) throw unavailable();
    return deps.media;
  };

  /** The town hall's media across nodes; null without video. */
  const nodes: MediaNodes | null =
    deps.media === null
      ? null
      : createMediaNodes({
          media: deps.media,
          coordination: deps.coordination,
          log: deps.log,
          ...(deps.mediaLeaseMs === undefined ? {} : { leaseMs: deps.mediaLeaseMs }),
          // Its own node announces a producer's end; when that node is gone, the home does.
          onOrphanClosed: (townHallId, producerId) => room.publish(townHallId, 'media:producer-closed', { townHallId, producerId }),
        });
  const requireNodes = (): MediaNodes => {
    if (nodes === null) throw unavailable();
    return nodes;
  };

  /** The town hall's open media for a connection that joined it, or why not. */
  const mediaOf = (socket: AppSocket, townHallId: string): TownHallMedia => {
    requireJoined(socket, townHallId);
    const media = service().existingMedia(townHallId);
    if (!presence.has(townHallId, socket.id) || media === undefined) {
      throw new CommandError(ErrorCode.CONFLICT, "Join the town hall's video first (media:join).");
    }
    return media;
  };

  /** Hosts (and admins) run the stage with moderators. */
  const runsStage = (townHall: TownHall, user: SessionUser) => townHalls.isHost(townHall, user) || canModerate(user.role);

  const broadcastStage = async (townHallId: string, handsChanged: boolean) => {
    const [view, hands] = await Promise.all([stage.view(townHallId), handsChanged ? stage.hands(townHallId) : null]);
    room.publish(townHallId, 'stage:changed', { townHallId, stage: view });
    deps.onStage?.(townHallId, view);
    if (hands) room.publishToStaff(townHallId, 'stage:hands-changed', { townHallId, hands });
  };

  /** Closes a person's producers in a town hall at once (sent back, banned). */
  const closeProducersOf = (townHallId: string, userId: string) => {
    for (const producer of deps.media?.existingMedia(townHallId)?.producers() ?? []) {
      if (producer.appData.userId === userId) producer.close();
    }
  };

  /** A resident interpreter is one because they are on stage: leaving it unmarks them (staff stay marked). */
  const leftStage = async (townHallId: string, userId: string) => {
    const interpreter = await stage.interpreter(townHallId);
    return interpreter !== null && !interpreter.staff && (await stage.unmarkInterpreter(townHallId, userId));
  };

  /** Takes a person off the stage and out of the queue, telling everyone what changed. */
  const removeFromStage = async (townHallId: string, userId: string) => {
    const { hand, speaker } = await stage.remove(townHallId, userId);
    if (speaker) {
      closeProducersOf(townHallId, userId);
      await leftStage(townHallId, userId);
    }
    if (hand || speaker) await broadcastStage(townHallId, hand);
    return { hand, speaker };
  };

  /** Stage steps taken on a disconnect or a sanction have no one to answer, so failures are logged. */
  const logged = (step: Promise<unknown>, townHallId: string) =>
    void step.catch((err: unknown) => deps.log.warn({ err, townHall: townHallId }, 'stage update failed'));

  /** One connection leaves a town hall's media: its resources close; the last one takes the person off stage. */
  const leave = (townHallId: string, socketId: string) => {
    deps.media?.existingMedia(townHallId)?.closePeer(socketId);
    const left = presence.remove(townHallId, socketId);
    if (left?.last) logged(removeFromStage(townHallId, left.user.id), townHallId);
  };

  /** A ban or timeout: the person's media here (or everywhere, if site-wide) closes and they leave the stage. */
  const onSanction = (sanction: Sanction) => {
    const places = sanction.townHallId === null ? presence.townHallIds() : [sanction.townHallId];
    for (const townHallId of places) {
      const sockets = presence.socketsOf(townHallId, sanction.userId);
      for (const socketId of sockets) leave(townHallId, socketId);
      logged(removeFromStage(townHallId, sanction.userId), townHallId);
      if (sockets.length > 0) room.publishToPerson(sanction.userId, 'media:closed', { townHallId, reason: 'removed' });
    }
  };

  /** The town hall ended: its media and stage close for everyone in it. */
  const onTownHallChange = (townHall: TownHall) => {
    if (townHall.status !== 'ended') return;
    logged(stage.clear(townHall.id), townHall.id);
    presence.clear(townHall.id);
    void deps.media?.closeMedia(townHall.id).catch((err: unknown) => deps.log.error({ err, townHall: townHall.id }, 'closing town hall media failed'));
    room.publish(townHall.id, 'media:closed', { townHallId: townHall.id, reason: 'ended' });
  };

  return {
    deps,
    presence,
    stage,
    service,
    nodes,
    requireNodes,
    mediaOf,
    runsStage,
    broadcastStage,
    closeProducersOf,
    leftStage,
    removeFromStage,
    leave,
    onSanction,
    onTownHallChange,
  };
}

export type MediaContext = ReturnType<typeof createMediaContext>;
