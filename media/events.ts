import type { EventEmitter } from 'node:events';
import type { Id } from '../shared/ids.js';

/**
 * Why a town hall's router went away. 'workerdied' is the one the signalling layer must act
 * on: its clients' transports are gone and they need to reconnect to a new router.
 */
export type RouterCloseReason = 'closed' | 'workerdied' | 'serviceclosed';

export type MediaServiceEvents = {
  /** A worker process exited unexpectedly; its routers have already been dropped. */
  workerdied: [{ pid: number; error: Error }];
  /** A new worker took the dead one's place in the pool. */
  workerreplaced: [{ deadPid: number; pid: number }];
  routerclose: [{ townHallId: Id; routerId: string; reason: RouterCloseReason }];
};

export type MediaEvents = EventEmitter<MediaServiceEvents>;

/** Thrown by every call made after the service was closed. */
export class MediaServiceClosedError extends Error {
  constructor() {
    super('the media service is closed');
    this.name = 'MediaServiceClosedError';
  }
}
