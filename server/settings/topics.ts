import { MAX_TOPICS } from '../../shared/topics.js';
import { createNamedListService, NAMED_LIST_CACHE_MS, type NamedListService } from './named-list.js';
import type { NamedListStore } from './named-list-store.js';

/** What the rest of the server may ask of the department's question topics. */
export type TopicService = NamedListService;
export const TOPICS_CACHE_MS = NAMED_LIST_CACHE_MS;

export const createTopicService = (store: NamedListStore, now: () => number = Date.now): TopicService =>
  createNamedListService(store, { noun: 'topic', max: MAX_TOPICS }, now);
