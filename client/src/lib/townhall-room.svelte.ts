import { untrack } from 'svelte';
import type { AppError, Result } from '../../../shared/errors.js';
import { backoffMs } from '../../../shared/backoff.js';
import type { TownHallSnapshot } from '../../../shared/room.js';
import { command, getSocket } from './socket.js';

/** A feature state that hangs from the room: it takes its part of each join's snapshot. */
export interface RoomMember {
  /** Called after every successful join (first connect and each reconnect), before queued facts apply. */
  joined(snapshot: TownHallSnapshot): void;
}

/**
 * This page's place in one town hall's room: it joins on every connect (`townhall:join`),
 * holds the snapshot, and hands each feature its part. Facts that arrive while a join is in
 * flight wait here, for every feature at once, and apply after the snapshot: the server reads
 * the snapshot after joining the room, so replaying every fact since the join over it (each
 * carries a full item, a removal or a latest count) gives the current state.
 */
export class TownHallRoom {
  readonly townHallId: string;

  snapshot = $state.raw<TownHallSnapshot | null>(null);
  joinError = $state.raw<AppError | null>(null);

  #members = new Set<RoomMember>();
  #pending: (() => void)[] | null = null;
  #started = false;
  /** Joins in a row that went unanswered or were turned away for load, for the back-off. */
  #attempt = 0;
  #retry: ReturnType<typeof setTimeout> | null = null;

  constructor(townHallId: string) {
    this.townHallId = townHallId;
  }

  /**
   * Hangs a feature from the room; it gets the current snapshot at once if there is one.
   * Returns the function that takes it off.
   */
  attach(member: RoomMember): () => void {
    this.#members.add(member);
    // Untracked: attaching from an effect must not make that effect depend on the snapshot.
    const snapshot = untrack(() => this.snapshot);
    if (snapshot && getSocket().connected && !this.#pending) untrack(() => member.joined(snapshot));
    return () => this.#members.delete(member);
  }

  /** Applies a fact now, or after the snapshot of the join in flight. */
  whenJoined(apply: () => void): void {
    if (this.#pending) this.#pending.push(apply);
    else apply();
  }

  /**
   * Joins now, on every reconnect, and when the server says this page skipped frames (its
   * connection was too slow to take them) and must take the current state again; until the
   * returned function leaves.
   */
  start(): () => void {
    const socket = getSocket();
    const onConnect = () => void this.join();
    const onResync = ({ townHallId }: { townHallId: string }) => {
      if (townHallId === this.townHallId && !this.#pending) void this.join();
    };
    socket.on('connect', onConnect);
    socket.on('townhall:resync', onResync);
    this.#started = true;
    if (socket.connected) void this.join();
    return () => {
      this.#started = false;
      this.#cancelRetry();
      socket.off('connect', onConnect);
      socket.off('townhall:resync', onResync);
      if (socket.connected) void command('townhall:leave', { townHallId: this.townHallId });
    };
  }

  async join(): Promise<Result<TownHallSnapshot>> {
    this.#cancelRetry();
    this.#pending = [];
    const result = await command('townhall:join', { townHallId: this.townHallId });
    const queued = this.#pending;
    this.#pending = null;
    if (result.ok) {
      this.#attempt = 0;
      this.snapshot = result.data;
      this.joinError = null;
      for (const member of this.#members) member.joined(result.data);
      for (const apply of queued) apply();
    } else if (result.error.code === 'UNAVAILABLE' || result.error.code === 'RATE_LIMITED') {
      // The socket dropped (the next connect joins anew), or it is up and the server could not
      // answer in time or turned the join away for load (a restart under a whole crowd). The
      // page must not stay unjoined on a live socket: it asks again, later and at a jittered
      // moment, so ten thousand screens do not all ask at once.
      if (getSocket().connected) this.#retryLater(result.error.retryAfterMs ?? 0);
    } else {
      this.joinError = result.error;
    }
    return result;
  }

  #retryLater(atLeastMs: number): void {
    if (!this.#started || this.#retry) return;
    const delay = Math.max(atLeastMs, backoffMs(this.#attempt++));
    this.#retry = setTimeout(() => {
      this.#retry = null;
      if (this.#started && getSocket().connected && !this.#pending) void this.join();
    }, delay);
  }

  #cancelRetry(): void {
    if (this.#retry) clearTimeout(this.#retry);
    this.#retry = null;
  }
}
