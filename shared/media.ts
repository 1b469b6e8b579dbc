// The media contract: WebRTC signalling for a town hall's mediasoup router, and the stage
// (raised hands, residents brought on to speak). mediasoup's own parameter objects travel as
// opaque JSON here: the server hands them to mediasoup, which validates them in depth.
import { z } from 'zod';
import type { Ack } from './errors.js';
import { Id } from './ids.js';

/** What a producer carries. Residents on stage publish camera and microphone, never a screen. */
export const MediaSource = z.enum(['camera', 'microphone', 'screen']);
export type MediaSource = z.infer<typeof MediaSource>;
export const MediaKind = z.enum(['audio', 'video']);
export type MediaKind = z.infer<typeof MediaKind>;
export const TransportDirection = z.enum(['send', 'recv']);
export type TransportDirection = z.infer<typeof TransportDirection>;

/** mediasoup's parameter objects, bounded in size; their inside is mediasoup's to check. */
const Opaque = z.looseObject({});
/** Ids of transports, producers and consumers are mediasoup's UUIDs. */
export const MediaId = z.string().regex(/^[0-9a-f-]{36}$/, 'not a media id');

const InTownHall = { townHallId: Id };
export const MediaJoin = z.strictObject(InTownHall);
export const CreateTransport = z.strictObject({ ...InTownHall, direction: TransportDirection });
export const ConnectTransport = z.strictObject({ ...InTownHall, transportId: MediaId, dtlsParameters: Opaque });
export const Produce = z.strictObject({
  ...InTownHall,
  transportId: MediaId,
  kind: MediaKind,
  source: MediaSource,
  rtpParameters: Opaque,
});
export const ProducerTarget = z.strictObject({ ...InTownHall, producerId: MediaId });
export const Consume = z.strictObject({ ...InTownHall, transportId: MediaId, producerId: MediaId, rtpCapabilities: Opaque });
export const ConsumerTarget = z.strictObject({ ...InTownHall, consumerId: MediaId });
export const SetLayers = z.strictObject({
  ...InTownHall,
  consumerId: MediaId,
  spatialLayer: z.number().int().min(0).max(3),
  temporalLayer: z.number().int().min(0).max(3).optional(),
});
export const StageTarget = z.strictObject({ ...InTownHall, userId: Id });
/** Marks the town hall's sign-language interpreter, or unmarks them with `userId: null`. */
export const SetInterpreter = z.strictObject({ ...InTownHall, userId: Id.nullable() });

/** Someone publishing in the town hall: a host, or a resident on stage. */
export interface ProducerInfo {
  id: string;
  userId: Id;
  displayName: string;
  /** Host or staff: the page shows a badge. */
  staff: boolean;
  kind: MediaKind;
  source: MediaSource;
  /** Paused by its publisher or muted by a host. */
  paused: boolean;
}

/** A TURN relay and a time-limited credential for it, as RTCPeerConnection takes it. */
export interface IceServer {
  urls: string[];
  username: string;
  credential: string;
}

export interface TransportOptions {
  id: string;
  iceParameters: unknown;
  iceCandidates: unknown[];
  dtlsParameters: unknown;
  /**
   * TURN relays to reach the media through when nothing else gets through (a firewall that
   * allows only web traffic); empty when the server has none. Credentials are fresh for each
   * transport and stop opening relays after a while (an hour by default).
   */
  iceServers: IceServer[];
}

export interface ConsumerOptions {
  id: string;
  producerId: string;
  kind: MediaKind;
  rtpParameters: unknown;
  /** 'simulcast' consumers take `media:set-layers`. */
  type: string;
  producerPaused: boolean;
}

export interface Speaker {
  userId: Id;
  displayName: string;
}

export interface RaisedHand {
  userId: Id;
  displayName: string;
  raisedAt: number;
}

/** The stage as everyone sees it; the queue of names goes to staff only. */
export interface StageView {
  /** Residents currently brought on stage. */
  speakers: Speaker[];
  /** How many hands are up (names: `stage:hands-changed`, staff only). */
  handCount: number;
  /**
   * The town hall's sign-language interpreter, marked by a host: every viewer shows their camera
   * in a tile of its own. They publish camera and microphone, never a screen. One at a time.
   */
  interpreter: Speaker | null;
}

export interface MediaJoined {
  /** The router's RTP capabilities, for mediasoup-client's Device.load. */
  rtpCapabilities: unknown;
  producers: ProducerInfo[];
  stage: StageView;
  /** Whether this person's hand is up. */
  handRaised: boolean;
  /** Whether this person may publish now (a host of a live event, or a resident on stage). */
  canPublish: boolean;
}

/**
 * `moved`: the server this connection receives video through lost the town hall's media (its
 * home server went away): join again at once, the video continues from another router.
 */
export type MediaClosedReason = 'ended' | 'removed' | 'workerdied' | 'moved';

export interface MediaClientEvents {
  /** Enter the town hall's media (after `townhall:join`); the router is made on first use. */
  'media:join': (input: z.input<typeof MediaJoin>, ack: Ack<MediaJoined>) => void;
  /** Close every transport, producer and consumer of this connection in the town hall. */
  'media:leave': (input: z.input<typeof MediaJoin>, ack: Ack<null>) => void;
  'media:create-transport': (input: z.input<typeof CreateTransport>, ack: Ack<TransportOptions>) => void;
  'media:connect-transport': (input: z.input<typeof ConnectTransport>, ack: Ack<null>) => void;
  /** Hosts of a live event, and residents on stage (camera and microphone only). */
  'media:produce': (input: z.input<typeof Produce>, ack: Ack<{ producerId: string }>) => void;
  'media:close-producer': (input: z.input<typeof ProducerTarget>, ack: Ack<null>) => void;
  'media:pause-producer': (input: z.input<typeof ProducerTarget>, ack: Ack<null>) => void;
  'media:resume-producer': (input: z.input<typeof ProducerTarget>, ack: Ack<null>) => void;
  /** Consumers start paused: resume once the client has set up its track. */
  'media:consume': (input: z.input<typeof Consume>, ack: Ack<ConsumerOptions>) => void;
  'media:resume-consumer': (input: z.input<typeof ConsumerTarget>, ack: Ack<null>) => void;
  'media:set-layers': (input: z.input<typeof SetLayers>, ack: Ack<null>) => void;
  'stage:raise-hand': (input: z.input<typeof MediaJoin>, ack: Ack<null>) => void;
  'stage:lower-hand': (input: z.input<typeof MediaJoin>, ack: Ack<null>) => void;
  /** Hosts and moderators bring a resident with a raised hand on stage. */
  'stage:invite': (input: z.input<typeof StageTarget>, ack: Ack<null>) => void;
  /** Hosts and moderators send a speaker back (their producers close at once); a speaker may leave. */
  'stage:send-back': (input: z.input<typeof StageTarget>, ack: Ack<null>) => void;
  /** Hosts mute a speaker's microphone (they may unmute themselves). */
  'stage:mute': (input: z.input<typeof StageTarget>, ack: Ack<null>) => void;
  /**
   * Hosts mark the sign-language interpreter (a staff member in the town hall, or a resident on
   * stage), replacing any other, or unmark with `userId: null`.
   */
  'stage:set-interpreter': (input: z.input<typeof SetInterpreter>, ack: Ack<null>) => void;
  /** Hosts: who may be marked as interpreter now (staff in the town hall and residents on stage). */
  'stage:interpreter-candidates': (input: z.input<typeof MediaJoin>, ack: Ack<Speaker[]>) => void;
}

export interface MediaServerEvents {
  'media:producer-added': (payload: { townHallId: Id; producer: ProducerInfo }) => void;
  'media:producer-closed': (payload: { townHallId: Id; producerId: string }) => void;
  'media:producer-paused': (payload: { townHallId: Id; producerId: string; paused: boolean }) => void;
  /** The server closed one of this connection's consumers (its producer went away). */
  'media:consumer-closed': (payload: { townHallId: Id; consumerId: string }) => void;
  /** Who is speaking loudest now, or null when it is quiet. */
  'media:active-speaker-changed': (payload: { townHallId: Id; userId: Id | null }) => void;
  /** Every media resource of this connection in the town hall is gone. */
  'media:closed': (payload: { townHallId: Id; reason: MediaClosedReason }) => void;
  'stage:changed': (payload: { townHallId: Id; stage: StageView }) => void;
  /** Staff only: the queue of raised hands in the order they went up. */
  'stage:hands-changed': (payload: { townHallId: Id; hands: RaisedHand[] }) => void;
  /** To one person: you were brought on stage (publish now) or sent back (stop). */
  'stage:you-changed': (payload: { townHallId: Id; onStage: boolean; handRaised: boolean }) => void;
}
