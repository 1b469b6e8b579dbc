import { untrack } from 'svelte';
import type { AppError, Result } from '../../../shared/errors.js';
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
    if (socket.connected) void this.join();
    return () => {
      socket.off('connect', onConnect);
      socket.off('townhall:resync', onResync);
      if (socket.connected) void command('townhall:leave', { townHallId: this.townHallId });
    };
  }

  async join(): Promise<Result<TownHallSnapshot>> {
    this.#pending = [];
    const result = await command('townhall:join', { townHallId: this.townHallId });
    const queued = this.#pending;
    this.#pending = null;
    if (result.ok) {
      this.snapshot = result.data;
      this.joinError = null;
      for (const member of this.#members) member.joined(result.data);
      for (const apply of queued) apply();
    } else if (result.error.code !== 'UNAVAILABLE') {
      // UNAVAILABLE means the socket dropped again; the next connect joins anew.
      this.joinError = result.error;
    }
    return result;
  }
}
