import type { types as ms } from 'mediasoup';
import type { MediaServiceEvents } from '../../media/index.js';
import { CommandError, ErrorCode } from '../../shared/errors.js';
import {
  Consume,
  ConsumerTarget,
  ConnectTransport,
  CreateTransport,
  MediaJoin,
  Produce,
  ProducerTarget,
  SetLayers,
} from '../../shared/media.js';
import { isStaff } from '../../shared/roles.js';
import { commandBinder, WATCHER_REFUSAL, type Bind } from '../core/command.js';
import type { RateRule } from '../core/rate-limit.js';
import type { AppSocket } from '../core/types.js';
import { requireJoined } from './access.js';
import { createMediaContext, mediaStep, producerInfo, type MediaContext, type MediaDeps } from './media-context.js';
import { mayPublish, PEER_LIMITS } from './media-rules.js';
import { bindStageCommands } from './stage-handlers.js';
import { turnCredentials } from './turn.js';

export type { MediaDeps } from './media-context.js';

export const RATES = {
  join: { name: 'media:join', points: 20, seconds: 10 },
  /** Transports, producers, consumers: a page with a few speakers sends a handful a second. */
  signal: { name: 'media:signal', points: 120, seconds: 10 },
  /** Pausing, layers: follows the viewer's window and connection. */
  adjust: { name: 'media:adjust', points: 60, seconds: 10 },
} satisfies Record<string, RateRule>;

/**
 * Wires the town hall's WebRTC signalling (`media:*`) and the stage (`stage:*`) onto every
 * connection, and closes what a connection owns when it leaves, disconnects or is banned, and
 * everything when the town hall ends or its worker dies.
 */
export function registerMedia(deps: MediaDeps): { close(): Promise<void> } {
  const ctx = createMediaContext(deps);
  const { io, room, media } = deps;
  const unsubscribe: Array<() => void> = [];

  if (media !== null) {
    const on = <K extends keyof MediaServiceEvents>(name: K, listener: (...args: MediaServiceEvents[K]) => void) => {
      media.events.on(name, listener as never);
      unsubscribe.push(() => media.events.off(name, listener as never));
    };
    on('producerclose', ({ townHallId, producerId }) => {
      room.publish(townHallId, 'media:producer-closed', { townHallId, producerId });
    });
    on('consumerclose', ({ townHallId, consumerId, peerId }) => {
      io.to(peerId).emit('media:consumer-closed', { townHallId, consumerId });
    });
    on('activespeaker', ({ townHallId, producerId }) => {
      // Every node's router hears the town hall's audio; the home speaks for all of them.
      if (!ctx.nodes?.isHome(townHallId)) return;
      const speaker = producerId === null ? undefined : media.existingMedia(townHallId)?.producer(producerId);
      room.publish(townHallId, 'media:active-speaker-changed', { townHallId, userId: speaker?.appData.userId ?? null });
    });
    on('mediaclose', ({ townHallId, reason }) => {
      // Closing on request is the town hall ending, announced where it happens. Otherwise only
      // this node's router went (its worker died, or the media's home moved): the people
      // receiving through it are told, and join again; those on other nodes are not concerned.
      if (reason !== 'workerdied' && reason !== 'moved') return;
      for (const socketId of ctx.presence.socketsIn(townHallId)) io.to(socketId).emit('media:closed', { townHallId, reason });
    });
  }
  unsubscribe.push(deps.townHalls.onChange(ctx.onTownHallChange));
  if (deps.onSanction) unsubscribe.push(deps.onSanction(ctx.onSanction));

  const bind = commandBinder(deps);
  bindMediaCommands(ctx, bind);
  bindStageCommands(ctx, bind);
  // Leaving the town hall, or dropping, closes what the connection held in its media.
  room.use({ name: 'media', onLeave: ({ socket, townHallId }) => ctx.leave(townHallId, socket.id) });

  return {
    async close() {
      unsubscribe.forEach((off) => off());
      await ctx.nodes?.close();
    },
  };
}


function bindMediaCommands(ctx: MediaContext, bind: Bind): void {
  const { townHalls, moderation, turn } = ctx.deps;
  const now = ctx.deps.now ?? Date.now;
  /** This connection's media in the town hall (a peer is one connection, named by its socket id). */
  const owned = (socket: AppSocket, townHallId: string) => ctx.mediaOf(socket, townHallId);

  bind('media:join', {
    schema: MediaJoin,
    townHall: (input) => input.townHallId,
    limit: RATES.join,
    async run({ user, socket }, { townHallId }) {
      const nodes = ctx.requireNodes();
      const townHall = await townHalls.require(townHallId);
      if (townHall.status === 'ended') throw new CommandError(ErrorCode.CONFLICT, 'This town hall has ended.');
      await moderation.requireAllowed(user, townHallId);
      const media = await mediaStep(() => nodes.mediaFor(townHallId));
      // Gone while the router was made: nothing may be kept for it, or it would never be cleaned up.
      if (socket.disconnected) throw new CommandError(ErrorCode.CONFLICT, 'Disconnected.');
      ctx.presence.add(townHallId, socket.id, user);
      const host = townHalls.isHost(townHall, user);
      const [onStage, stage, handRaised] = await Promise.all([
        ctx.stage.isSpeaker(townHallId, user.id),
        ctx.stage.view(townHallId),
        ctx.stage.handRaised(townHallId, user.id),
      ]);
      if (ctx.runsStage(townHall, user)) socket.emit('stage:hands-changed', { townHallId, hands: await ctx.stage.hands(townHallId) });
      return {
        rtpCapabilities: media.rtpCapabilities,
        producers: media.producers().map(producerInfo),
        stage,
        handRaised,
        canPublish: townHall.status === 'live' && (host || onStage || stage.interpreter?.userId === user.id),
      };
    },
  });

  bind('media:leave', {
    schema: MediaJoin,
    limit: RATES.join,
    async run({ socket }, { townHallId }) {
      // Letting media go is always allowed, joined or not (leaving the town hall has closed it already).
      if (!ctx.presence.has(townHallId, socket.id)) requireJoined(socket, townHallId);
      ctx.leave(townHallId, socket.id);
      return null;
    },
  });

  bind('media:create-transport', {
    schema: CreateTransport,
    limit: RATES.signal,
    async run({ socket, user }, { townHallId, direction }) {
      // A watcher only receives: a send transport would be a resource held for nothing.
      if (user.watcher && direction === 'send') throw new CommandError(ErrorCode.UNAUTHENTICATED, WATCHER_REFUSAL);
      const media = owned(socket, townHallId);
      if (media.transportsOf(socket.id, direction) >= PEER_LIMITS.transportsPerDirection) {
        throw new CommandError(ErrorCode.CONFLICT, `At most ${PEER_LIMITS.transportsPerDirection} ${direction} transports: leave and join again.`);
      }
      const transport = await mediaStep(() => media.createTransport(socket.id, direction));
      // Left or disconnected while it was being made: its cleanup has already run.
      if (!ctx.presence.has(townHallId, socket.id)) {
        transport.close();
        throw new CommandError(ErrorCode.CONFLICT, "Join the town hall's video first (media:join).");
      }
      return {
        id: transport.id,
        iceParameters: transport.iceParameters,
        iceCandidates: transport.iceCandidates,
        dtlsParameters: transport.dtlsParameters,
        iceServers: turn ? [turnCredentials(turn, now())] : [],
      };
    },
  });

  bind('media:connect-transport', {
    schema: ConnectTransport,
    limit: RATES.signal,
    async run({ socket }, { townHallId, transportId, dtlsParameters }) {
      const media = owned(socket, townHallId);
      await mediaStep(() => media.connectTransport(socket.id, transportId, dtlsParameters as unknown as ms.DtlsParameters));
      return null;
    },
  });

  bind('media:produce', {
    schema: Produce,
    limit: RATES.signal,
    async run({ user, socket }, { townHallId, transportId, kind, source, rtpParameters }) {
      const media = owned(socket, townHallId);
      await mediaStep(() => media.transportDirection(socket.id, transportId));
      const townHall = await townHalls.require(townHallId);
      await moderation.requireAllowed(user, townHallId);
      const allowed = async () => {
        const [onStage, interpreter] = await Promise.all([ctx.stage.isSpeaker(townHallId, user.id), ctx.stage.interpreter(townHallId)]);
        return mayPublish({
          status: townHall.status,
          host: townHalls.isHost(townHall, user),
          onStage,
          interpreter: interpreter?.userId === user.id,
          source,
          kind,
        });
      };
      const verdict = await allowed();
      if (!verdict.ok) throw new CommandError(ErrorCode[verdict.code], verdict.message);
      if (media.producers().some((p) => p.appData.peerId === socket.id && p.appData.source === source)) {
        throw new CommandError(ErrorCode.CONFLICT, `You already publish a ${source}.`);
      }
      const producer = await mediaStep(() =>
        media.produce(socket.id, transportId, {
          kind,
          rtpParameters: rtpParameters as unknown as ms.RtpParameters,
          publisher: { userId: user.id, displayName: user.displayName, staff: isStaff(user.role), source },
        }),
      );
      // Sent back while this was being set up: the producer must not outlive the permission.
      if (!(await allowed()).ok) {
        producer.close();
        throw new CommandError(ErrorCode.FORBIDDEN, 'You may no longer publish this.');
      }
      // On every node's router before anyone hears of it, so a viewer anywhere can receive it at once.
      await ctx.requireNodes().published(townHallId, producer.id);
      ctx.deps.room.publishExcept(socket, townHallId, 'media:producer-added', { townHallId, producer: producerInfo(producer) });
      return { producerId: producer.id };
    },
  });

  bind('media:close-producer', {
    schema: ProducerTarget,
    limit: RATES.signal,
    async run({ socket }, { townHallId, producerId }) {
      const media = owned(socket, townHallId);
      (await mediaStep(() => media.ownProducer(socket.id, producerId))).close();
      return null;
    },
  });

  for (const [name, paused] of [['media:pause-producer', true], ['media:resume-producer', false]] as const) {
    bind(name, {
      schema: ProducerTarget,
      limit: RATES.adjust,
      async run({ socket }, { townHallId, producerId }) {
        const media = owned(socket, townHallId);
        const producer = await mediaStep(() => media.ownProducer(socket.id, producerId));
        if (paused) await producer.pause();
        else await producer.resume();
        ctx.deps.room.publish(townHallId, 'media:producer-paused', { townHallId, producerId, paused });
        return null;
      },
    });
  }

  bind('media:consume', {
    schema: Consume,
    limit: RATES.signal,
    async run({ socket }, { townHallId, transportId, producerId, rtpCapabilities }) {
      const media = owned(socket, townHallId);
      if (media.consumersOf(socket.id) >= PEER_LIMITS.consumers) {
        throw new CommandError(ErrorCode.CONFLICT, `At most ${PEER_LIMITS.consumers} streams at once.`);
      }
      const consumer = await mediaStep(() =>
        media.consume(socket.id, transportId, producerId, rtpCapabilities as unknown as ms.RtpCapabilities),
      );
      return {
        id: consumer.id,
        producerId: consumer.producerId,
        kind: consumer.kind,
        rtpParameters: consumer.rtpParameters,
        type: consumer.type,
        producerPaused: consumer.producerPaused,
      };
    },
  });

  bind('media:resume-consumer', {
    schema: ConsumerTarget,
    limit: RATES.adjust,
    async run({ socket }, { townHallId, consumerId }) {
      const media = owned(socket, townHallId);
      await (await mediaStep(() => media.ownConsumer(socket.id, consumerId))).resume();
      return null;
    },
  });

  bind('media:set-layers', {
    schema: SetLayers,
    limit: RATES.adjust,
    async run({ socket }, { townHallId, consumerId, spatialLayer, temporalLayer }) {
      const media = owned(socket, townHallId);
      const consumer = await mediaStep(() => media.ownConsumer(socket.id, consumerId));
      if (consumer.type !== 'simulcast' && consumer.type !== 'svc') {
        throw new CommandError(ErrorCode.INVALID_PAYLOAD, 'Only simulcast video has layers to choose from.');
      }
      await consumer.setPreferredLayers(temporalLayer === undefined ? { spatialLayer } : { spatialLayer, temporalLayer });
      return null;
    },
  });
}
