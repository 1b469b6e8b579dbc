import type { EventEmitter } from 'node:events';
import type { Id } from '../shared/ids.js';

/**
 * Why a town hall's router went away. 'workerdied' and 'moved' are the ones the signalling layer
 * must act on: its clients' transports are gone and they need to reconnect to a new router.
 * 'moved': the town hall's media now lives on another node (its home node changed), closed by
 * the signalling layer.
 */
export type RouterCloseReason = 'closed' | 'workerdied' | 'serviceclosed' | 'moved';

export type MediaServiceEvents = {
  /** A worker process exited unexpectedly; its routers have already been dropped. */
  workerdied: [{ pid: number; error: Error }];
  /** A new worker took the dead one's place in the pool. */
  workerreplaced: [{ deadPid: number; pid: number }];
  routerclose: [{ townHallId: Id; routerId: string; reason: RouterCloseReason }];
  /**
   * A town hall's media (its routers and every transport on them) closed: on request
   * ('closed'), with a worker ('workerdied': clients may join again), because its home node
   * changed ('moved': clients join again), or with the service.
   */
  mediaclose: [{ townHallId: Id; reason: RouterCloseReason }];
  /**
   * A producer of the town hall is on its main router now, published on this node or received
   * from another (`piped`): what a recording starts a track for.
   */
  producernew: [{ townHallId: Id; producerId: string; piped: boolean }];
  /** A producer went away for any reason other than its town hall's media closing. */
  producerclose: [{ townHallId: Id; producerId: string; peerId: string }];
  /** A consumer was closed because its producer went away; its peer has to be told. */
  consumerclose: [{ townHallId: Id; consumerId: string; peerId: string }];
  /** The loudest audio producer now, or null after a silence. */
  activespeaker: [{ townHallId: Id; producerId: string | null }];
};

export type MediaEvents = EventEmitter<MediaServiceEvents>;

/** Thrown by every call made after the service was closed. */
export class MediaServiceClosedError extends Error {
  constructor() {
    super('the media service is closed');
    this.name = 'MediaServiceClosedError';
  }
}

/**
 * A request the media layer refuses because of what the caller asked (an id that is not the
 * caller's, a step out of order, parameters mediasoup rejects). The code is one the signalling
 * layer can pass on as it is; the message is safe to show.
 */
export class MediaRequestError extends Error {
  constructor(
    readonly code: 'NOT_FOUND' | 'CONFLICT' | 'INVALID_PAYLOAD',
    message: string,
  ) {
    super(message);
    this.name = 'MediaRequestError';
  }
}
