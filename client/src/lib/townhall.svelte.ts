import type { AppError, Result } from '../../../shared/errors.js';
import type { TownHallSnapshot } from '../../../shared/room.js';
import type { HallCodeView, TownHall } from '../../../shared/townhall.js';
import { api } from './api.js';
import { command, getSocket } from './socket.js';
import type { TownHallRoom } from './townhall-room.svelte.js';

/**
 * One town hall as its page shows it: read over HTTP (anyone may), then taken from each join of
 * its room and kept current by `townhall:changed`, so every screen sees it go live and end at
 * the same moment, and a reconnect catches up with what changed meanwhile.
 */
export class TownHallState {
  readonly id: string;
  townHall = $state.raw<TownHall | null>(null);
  loadError = $state.raw<AppError | null>(null);
  /** Start or end under way, and the last refusal. */
  busy = $state(false);
  actionError = $state.raw<AppError | null>(null);

  constructor(id: string) {
    this.id = id;
  }

  async load(): Promise<void> {
    this.loadError = null;
    const result = await api.townHall(this.id);
    if (result.ok) this.townHall = result.data;
    else this.loadError = result.error;
  }

  /** The room's hook: a join carries the town hall as it is now. */
  joined(snapshot: TownHallSnapshot): void {
    this.townHall = snapshot.townHall;
  }

  /** Follows `townhall:changed`; a change that comes while the room joins applies over its snapshot. */
  follow(room: TownHallRoom): () => void {
    const socket = getSocket();
    const changed = (townHall: TownHall) => {
      if (townHall.id === this.id) room.whenJoined(() => (this.townHall = townHall));
    };
    socket.on('townhall:changed', changed);
    return () => socket.off('townhall:changed', changed);
  }

  /** The code hosts show in the hall (the server refuses anyone else). */
  hallCode(): Promise<Result<HallCodeView>> {
    return command('townhall:hall-code', { townHallId: this.id });
  }

  /** Comes in with the hall's code, so this person's votes are not capped with their network's. */
  admit(code: string): Promise<Result<{ admitted: true }>> {
    return command('townhall:admit', { townHallId: this.id, code });
  }

  start(): Promise<Result<TownHall>> {
    return this.#run('townhall:start');
  }

  end(): Promise<Result<TownHall>> {
    return this.#run('townhall:end');
  }

  async #run(name: 'townhall:start' | 'townhall:end'): Promise<Result<TownHall>> {
    this.busy = true;
    this.actionError = null;
    const result = await command(name, { townHallId: this.id });
    this.busy = false;
    if (result.ok) this.townHall = result.data;
    else {
      this.actionError = result.error;
      // A CONFLICT means another host moved it first: show what it is now.
      if (result.error.code === 'CONFLICT') void this.load();
    }
    return result;
  }
}
