import { CommandError, ErrorCode } from '../../shared/errors.js';
import { MAX_TOPICS, type EditTopic, type NewTopic, type Topic } from '../../shared/topics.js';
import type { z } from 'zod';
import type { TopicStore } from './topics-store.js';

/** What the rest of the server may ask of the department's topics. */
export interface TopicService {
  list(): Promise<Topic[]>;
  /**
   * The topic a question may be given now: an existing, unretired one. Anything else is
   * refused with NOT_FOUND before anything changes.
   */
  requireUsable(id: string): Promise<Topic>;
  add(input: z.output<typeof NewTopic>): Promise<Topic>;
  update(id: string, change: z.output<typeof EditTopic>): Promise<Topic>;
}

/**
 * How long a node answers the topic list from memory: every join carries it, so it is not read
 * from the store for each of a thousand joins; another node's change shows within this time.
 */
export const TOPICS_CACHE_MS = 5000;

export function createTopicService(store: TopicStore, now: () => number = Date.now): TopicService {
  let cached: { at: number; list: Promise<Topic[]> } | null = null;
  const changed = <T>(result: T): T => {
    cached = null;
    return result;
  };
  return {
    list() {
      if (!cached || now() - cached.at >= TOPICS_CACHE_MS) {
        const list = store.list();
        cached = { at: now(), list };
        // A failed read is not kept: the next caller tries the store again.
        list.catch(() => {
          if (cached?.list === list) cached = null;
        });
      }
      return cached.list;
    },
    async requireUsable(id) {
      const topic = await store.get(id);
      if (!topic || topic.retired) throw new CommandError(ErrorCode.NOT_FOUND, 'No such topic.');
      return topic;
    },
    async add({ en, es }) {
      // A soft cap: two admins adding at the same instant may pass it by one, which is harmless.
      if ((await store.list()).length >= MAX_TOPICS) {
        throw new CommandError(ErrorCode.CONFLICT, `A department keeps at most ${MAX_TOPICS} topics; retire or rename one.`);
      }
      return changed(await store.add({ en, es: es ?? en }));
    },
    async update(id, change) {
      const topic = await store.update(id, change);
      if (!topic) throw new CommandError(ErrorCode.NOT_FOUND, 'No such topic.');
      return changed(topic);
    },
  };
}
