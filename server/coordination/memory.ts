import { RateLimiterMemory } from 'rate-limiter-flexible';
import type { RaisedHand, Speaker, StageView } from '../../shared/media.js';
import type { DirtyKeys } from '../core/coalesce.js';
import type { Coordination, Invalidations, StageRoster } from '../core/coordination.js';
import { rateLimitsWith } from './rate-limits.js';

/** Coordination for one node: everything in this process's memory, which is all there is to share. */
export function createMemoryCoordination(): Coordination {
  const channels = new Map<string, Invalidations>();
  const dirty = new Map<string, DirtyKeys>();
  return {
    // One set per name, as in Redis, so two takers of a name share the marks and take each once.
    dirtyKeys(name) {
      let keys = dirty.get(name);
      if (!keys) dirty.set(name, (keys = memoryDirtyKeys()));
      return keys;
    },
    limits: rateLimitsWith((options) => new RateLimiterMemory(options)),
    invalidations(name) {
      let channel = channels.get(name);
      if (!channel) channels.set(name, (channel = memoryInvalidations()));
      return channel;
    },
    stage: new MemoryStage(),
    close: async () => {},
  };
}

export function memoryDirtyKeys(): DirtyKeys {
  let marked = new Set<string>();
  return {
    mark: (key) => void marked.add(key),
    async take() {
      const taken = [...marked];
      marked = new Set();
      return taken;
    },
    restore: (keys) => keys.forEach((key) => marked.add(key)),
  };
}

function memoryInvalidations(): Invalidations {
  const listeners = new Set<(key: string) => void>();
  return {
    async publish(key) {
      for (const listener of [...listeners]) listener(key);
    },
    async subscribe(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
  };
}

interface Stage {
  /** In the order they went up (Map keeps insertion order). */
  hands: Map<string, RaisedHand>;
  speakers: Map<string, Speaker>;
}

class MemoryStage implements StageRoster {
  readonly #stages = new Map<string, Stage>();

  #stage(townHallId: string): Stage {
    let stage = this.#stages.get(townHallId);
    if (stage === undefined) this.#stages.set(townHallId, (stage = { hands: new Map(), speakers: new Map() }));
    return stage;
  }

  async view(townHallId: string): Promise<StageView> {
    const stage = this.#stages.get(townHallId);
    return { speakers: stage ? [...stage.speakers.values()] : [], handCount: stage?.hands.size ?? 0 };
  }

  async hands(townHallId: string): Promise<RaisedHand[]> {
    return [...(this.#stages.get(townHallId)?.hands.values() ?? [])];
  }

  async handRaised(townHallId: string, userId: string): Promise<boolean> {
    return this.#stages.get(townHallId)?.hands.has(userId) ?? false;
  }

  async isSpeaker(townHallId: string, userId: string): Promise<boolean> {
    return this.#stages.get(townHallId)?.speakers.has(userId) ?? false;
  }

  async raise(townHallId: string, person: { userId: string; displayName: string }, now = Date.now()): Promise<boolean> {
    const stage = this.#stage(townHallId);
    if (stage.hands.has(person.userId) || stage.speakers.has(person.userId)) return false;
    stage.hands.set(person.userId, { userId: person.userId, displayName: person.displayName, raisedAt: now });
    return true;
  }

  async lower(townHallId: string, userId: string): Promise<boolean> {
    return this.#stages.get(townHallId)?.hands.delete(userId) ?? false;
  }

  async invite(townHallId: string, userId: string): Promise<boolean> {
    const stage = this.#stages.get(townHallId);
    const hand = stage?.hands.get(userId);
    if (stage === undefined || hand === undefined) return false;
    stage.hands.delete(userId);
    stage.speakers.set(userId, { userId, displayName: hand.displayName });
    return true;
  }

  async sendBack(townHallId: string, userId: string): Promise<boolean> {
    return this.#stages.get(townHallId)?.speakers.delete(userId) ?? false;
  }

  async remove(townHallId: string, userId: string): Promise<{ hand: boolean; speaker: boolean }> {
    const stage = this.#stages.get(townHallId);
    return { hand: stage?.hands.delete(userId) ?? false, speaker: stage?.speakers.delete(userId) ?? false };
  }

  async clear(townHallId: string): Promise<void> {
    this.#stages.delete(townHallId);
  }
}
