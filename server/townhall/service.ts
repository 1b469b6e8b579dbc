import { CommandError, ErrorCode } from '../../shared/errors.js';
import type { ModerationMode } from '../../shared/moderation.js';
import type { TownHall } from '../../shared/townhall.js';
import type { NewTownHall, TownHallStore } from './store.js';

/** What other features may ask of town halls (they never reach into the store). */
export interface TownHallService {
  create(input: NewTownHall): Promise<TownHall>;
  list(): Promise<TownHall[]>;
  get(id: string): Promise<TownHall | null>;
  /** The town hall, or NOT_FOUND. */
  require(id: string): Promise<TownHall>;
  /** The town hall if it has not ended (its Q&A and polls are then frozen: CONFLICT). */
  requireNotEnded(id: string): Promise<TownHall>;
  setModeration(id: string, moderation: ModerationMode): Promise<TownHall>;
}

export function createTownHallService(store: TownHallStore): TownHallService {
  const require = async (id: string) => {
    const townHall = await store.get(id);
    if (!townHall) throw new CommandError(ErrorCode.NOT_FOUND, 'No such town hall.');
    return townHall;
  };
  return {
    create: (input) => store.create(input),
    list: () => store.list(),
    get: (id) => store.get(id),
    require,
    async requireNotEnded(id) {
      const townHall = await require(id);
      if (townHall.status === 'ended') throw new CommandError(ErrorCode.CONFLICT, 'This town hall has ended.');
      return townHall;
    },
    async setModeration(id, moderation) {
      const updated = await store.setModeration(id, moderation);
      if (!updated) throw new CommandError(ErrorCode.NOT_FOUND, 'No such town hall.');
      return updated;
    },
  };
}
