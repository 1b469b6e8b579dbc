import { RateLimiterMemory } from 'rate-limiter-flexible';
import type { RaisedHand, Speaker, StageView } from '../../shared/media.js';
import type { DirtyKeys } from '../core/coalesce.js';
import {
  MAIL_TIMEOUT_MS,
  MailTimeoutError,
  NodeUnreachableError,
  type Coordination,
  type Invalidations,
  type MailHandler,
  type Mailbox,
  type MediaHomes,
  type Interpreter,
  type StageRoster,
} from '../core/coordination.js';
import { rateLimitsWith } from './rate-limits.js';

/** Coordination for one node: everything in this process's memory, which is all there is to share. */
export function createMemoryCoordination(): Coordination {
  const channels = new Map<string, Invalidations>();
  const dirty = new Map<string, DirtyKeys>();
  const mailboxes = new Map<string, Map<string, MailHandler>>();
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
    mediaHomes: new MemoryMediaHomes(),
    mailbox: async (nodeId) => openMemoryMailbox(mailboxes, nodeId),
    close: async () => {},
  };
}

class MemoryMediaHomes implements MediaHomes {
  readonly #leases = new Map<string, { holder: string; until: number }>();

  #live(townHallId: string): string | null {
    const lease = this.#leases.get(townHallId);
    if (lease === undefined) return null;
    if (lease.until > Date.now()) return lease.holder;
    this.#leases.delete(townHallId);
    return null;
  }

  async claim(townHallId: string, nodeId: string, ttlMs: number): Promise<string> {
    const holder = this.#live(townHallId);
    if (holder !== null && holder !== nodeId) return holder;
    this.#leases.set(townHallId, { holder: nodeId, until: Date.now() + ttlMs });
    return nodeId;
  }

  async renew(nodeId: string, townHallIds: string[], ttlMs: number): Promise<string[]> {
    const lost: string[] = [];
    for (const townHallId of townHallIds) {
      if (this.#live(townHallId) === nodeId) this.#leases.set(townHallId, { holder: nodeId, until: Date.now() + ttlMs });
      else lost.push(townHallId);
    }
    return lost;
  }

  async holder(townHallId: string): Promise<string | null> {
    return this.#live(townHallId);
  }

  async release(townHallId: string, nodeId: string): Promise<boolean> {
    if (this.#live(townHallId) !== nodeId) return false;
    this.#leases.delete(townHallId);
    return true;
  }
}

/** Plain data, as it would arrive through Redis: a body that does not survive JSON fails here too. */
const asJson = (value: unknown): unknown => (value === undefined ? undefined : JSON.parse(JSON.stringify(value)));

/** Mailboxes of the nodes sharing this memory (several apps in one process, in tests). */
function openMemoryMailbox(mailboxes: Map<string, Map<string, MailHandler>>, nodeId: string): Mailbox {
  const handlers = new Map<string, MailHandler>();
  mailboxes.set(nodeId, handlers);
  return {
    nodeId,
    request(to, topic, body, timeoutMs = MAIL_TIMEOUT_MS) {
      const target = mailboxes.get(to);
      if (target === undefined) return Promise.reject(new NodeUnreachableError(to));
      const sent = asJson(body);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new MailTimeoutError(topic, to)), timeoutMs);
        // Delivered on a later turn, as a message from another process would be.
        setImmediate(() => {
          const handler = target.get(topic);
          const answer = handler ? handler(sent, nodeId) : Promise.reject(new Error(`no handler for ${topic}`));
          answer.then(
            (value) => resolve(asJson(value)),
            (err: unknown) => reject(new Error(err instanceof Error ? err.message : String(err))),
          ).finally(() => clearTimeout(timer));
        });
      });
    },
    handle: (topic, handler) => void handlers.set(topic, handler),
    close: async () => {
      if (mailboxes.get(nodeId) === handlers) mailboxes.delete(nodeId);
    },
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
  interpreter: Interpreter | null;
}

class MemoryStage implements StageRoster {
  readonly #stages = new Map<string, Stage>();

  #stage(townHallId: string): Stage {
    let stage = this.#stages.get(townHallId);
    if (stage === undefined) this.#stages.set(townHallId, (stage = { hands: new Map(), speakers: new Map(), interpreter: null }));
    return stage;
  }

  async view(townHallId: string): Promise<StageView> {
    const stage = this.#stages.get(townHallId);
    const interpreter = stage?.interpreter;
    return {
      speakers: stage ? [...stage.speakers.values()] : [],
      handCount: stage?.hands.size ?? 0,
      interpreter: interpreter ? { userId: interpreter.userId, displayName: interpreter.displayName } : null,
    };
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

  async interpreter(townHallId: string): Promise<Interpreter | null> {
    return this.#stages.get(townHallId)?.interpreter ?? null;
  }

  async setInterpreter(townHallId: string, interpreter: Interpreter | null): Promise<Interpreter | null> {
    const stage = this.#stage(townHallId);
    const previous = stage.interpreter;
    stage.interpreter = interpreter === null ? null : { ...interpreter };
    return previous;
  }

  async unmarkInterpreter(townHallId: string, userId: string): Promise<boolean> {
    const stage = this.#stages.get(townHallId);
    if (stage?.interpreter?.userId !== userId) return false;
    stage.interpreter = null;
    return true;
  }

  async clear(townHallId: string): Promise<void> {
    this.#stages.delete(townHallId);
  }
}
