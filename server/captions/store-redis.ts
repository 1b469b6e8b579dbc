import { rkey, type RedisClient } from '../storage/redis.js';
import type { CaptionRecord, CaptionStore, NewCaption } from './store.js';
import { newCaptionRecord } from './store-records.js';

/** A town hall's lines as one list of JSON records, in the order Redis received them. */
const linesOf = (townHallId: string) => rkey('townhall', townHallId, 'captions');

const parse = (raw: string): CaptionRecord => {
  const { id, townHallId, authorId, authorRole, text, at, lang } = JSON.parse(raw) as Partial<CaptionRecord>;
  // Lines written before the role or the language was kept have none.
  return { id: id!, townHallId: townHallId!, authorId: authorId!, authorRole: authorRole ?? null, text: text!, at: at!, lang: lang ?? null };
};

export function createRedisCaptionStore(redis: RedisClient): CaptionStore {
  return {
    async add(input: NewCaption) {
      const record = newCaptionRecord(input);
      await redis.rPush(linesOf(record.townHallId), JSON.stringify(record));
      return record;
    },
    async recent(townHallId, limit) {
      if (limit <= 0) return [];
      return (await redis.lRange(linesOf(townHallId), -limit, -1)).map(parse);
    },
    async all(townHallId) {
      return (await redis.lRange(linesOf(townHallId), 0, -1)).map(parse);
    },
  };
}
