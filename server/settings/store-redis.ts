import type { Settings } from '../../shared/record.js';
import { rkey, type RedisClient } from '../storage/redis.js';
import { settingsFrom, settingsJson, type SettingsStore } from './store.js';

/** One string holds the whole settings, so a write replaces them in one step. */
export const settingsKey = rkey('settings', 'site');

export function createRedisSettingsStore(redis: RedisClient): SettingsStore {
  return {
    async get() {
      return settingsFrom(await redis.get(settingsKey));
    },
    async put(settings: Settings) {
      const json = settingsJson(settings);
      await redis.set(settingsKey, json);
      return settingsFrom(json);
    },
  };
}
