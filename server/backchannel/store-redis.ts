import { rkey, type RedisClient } from '../storage/redis.js';
import type { BackchannelRecord, BackchannelStore, NewBackchannelMessage } from './store.js';
import { newBackchannelRecord } from './store-records.js';

/** A town hall's backchannel as one list of JSON records, in the order Redis received them. */
const messagesOf = (townHallId: string) => rkey('townhall', townHallId, 'backchannel');

const parse = (raw: string): BackchannelRecord => {
  const { id, townHallId, authorId, authorName, authorRole, text, at } = JSON.parse(raw) as BackchannelRecord;
  return { id, townHallId, authorId, authorName, authorRole, text, at };
};

export function createRedisBackchannelStore(redis: RedisClient): BackchannelStore {
  return {
    async add(input: NewBackchannelMessage) {
      const record = newBackchannelRecord(input);
      await redis.rPush(messagesOf(record.townHallId), JSON.stringify(record));
      return record;
    },
    async recent(townHallId, limit) {
      if (limit <= 0) return [];
      return (await redis.lRange(messagesOf(townHallId), -limit, -1)).map(parse);
    },
    async all(townHallId) {
      return (await redis.lRange(messagesOf(townHallId), 0, -1)).map(parse);
    },
    async deleteTownHall(townHallId) {
      // One transaction: a message added between the count and the delete is neither counted nor left behind.
      const [count] = await redis.multi().lLen(messagesOf(townHallId)).del(messagesOf(townHallId)).exec();
      return Number(count);
    },
  };
}
