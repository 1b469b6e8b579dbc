import { CommandError, ErrorCode } from '../../shared/errors.js';
import type { NamedItem, NamedListStore } from './named-list-store.js';

/** What the rest of the server may ask of one of the department's named lists (topics, units). */
export interface NamedListService {
  list(): Promise<NamedItem[]>;
  /**
   * The item something may be given now: an existing, unretired one. Anything else is refused
   * with NOT_FOUND before anything changes.
   */
  requireUsable(id: string): Promise<NamedItem>;
  add(input: { en: string; es?: string | undefined }): Promise<NamedItem>;
  update(id: string, change: { en?: string | undefined; es?: string | undefined; retired?: boolean | undefined }): Promise<NamedItem>;
}

/** How a list names its items in messages, and how many it may hold. */
export interface NamedListRules {
  /** 'topic', 'unit': the word in "No such topic." */
  noun: string;
  max: number;
}

/**
 * How long a node answers a list from memory: every join carries the topics, so they are not read
 * from the store for each of a thousand joins; another node's change shows within this time.
 */
export const NAMED_LIST_CACHE_MS = 5000;

export function createNamedListService(store: NamedListStore, rules: NamedListRules, now: () => number = Date.now): NamedListService {
  let cached: { at: number; list: Promise<NamedItem[]> } | null = null;
  const changed = <T>(result: T): T => {
    cached = null;
    return result;
  };
  const unknown = () => new CommandError(ErrorCode.NOT_FOUND, `No such ${rules.noun}.`);
  return {
    list() {
      if (!cached || now() - cached.at >= NAMED_LIST_CACHE_MS) {
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
      const item = await store.get(id);
      if (!item || item.retired) throw unknown();
      return item;
    },
    async add({ en, es }) {
      // A soft cap: two admins adding at the same instant may pass it by one, which is harmless.
      if ((await store.list()).length >= rules.max) {
        throw new CommandError(ErrorCode.CONFLICT, `A department keeps at most ${rules.max} ${rules.noun}s; retire or rename one.`);
      }
      return changed(await store.add({ en, es: es ?? en }));
    },
    async update(id, change) {
      const item = await store.update(id, change);
      if (!item) throw unknown();
      return changed(item);
    },
  };
}
