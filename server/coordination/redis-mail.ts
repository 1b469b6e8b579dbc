import { randomUUID } from 'node:crypto';
import {
  MAIL_TIMEOUT_MS,
  MailTimeoutError,
  NodeUnreachableError,
  type MailHandler,
  type Mailbox,
} from '../core/coordination.js';
import { rkey, type RedisClient } from '../storage/redis.js';

type Letter =
  | { kind: 'request'; id: string; from: string; topic: string; body: unknown }
  | { kind: 'answer'; id: string; ok: true; body: unknown }
  | { kind: 'answer'; id: string; ok: false; error: string };

const channelOf = (nodeId: string) => rkey('mail', nodeId);

/**
 * A node's mailbox over Redis pub/sub: one channel per node (`rt:mail:<nodeId>`), requests and
 * answers matched by id. PUBLISH answers how many connections listen, so a request to a node
 * that is gone fails at once instead of waiting out its timeout.
 */
export async function openRedisMailbox(
  redis: RedisClient,
  subscriber: () => Promise<RedisClient>,
  nodeId: string,
  onError?: (err: Error) => void,
): Promise<Mailbox> {
  const handlers = new Map<string, MailHandler>();
  const waiting = new Map<string, { resolve(value: unknown): void; reject(err: Error): void }>();
  const own = channelOf(nodeId);

  const answer = (to: string, letter: Letter) =>
    redis.publish(channelOf(to), JSON.stringify(letter)).catch((err: unknown) => onError?.(err as Error));

  const onRequest = async (letter: Extract<Letter, { kind: 'request' }>) => {
    const handler = handlers.get(letter.topic);
    try {
      if (!handler) throw new Error(`no handler for ${letter.topic}`);
      const body = await handler(letter.body, letter.from);
      await answer(letter.from, { kind: 'answer', id: letter.id, ok: true, body: body ?? null });
    } catch (err) {
      await answer(letter.from, { kind: 'answer', id: letter.id, ok: false, error: err instanceof Error ? err.message : String(err) });
    }
  };

  const deliver = (message: string) => {
    let letter: Letter;
    try {
      letter = JSON.parse(message) as Letter;
    } catch {
      return;
    }
    if (letter.kind === 'request') void onRequest(letter);
    else {
      const pending = waiting.get(letter.id);
      waiting.delete(letter.id);
      if (letter.ok) pending?.resolve(letter.body);
      else pending?.reject(new Error(letter.error));
    }
  };

  const client = await subscriber();
  await client.subscribe(own, deliver);

  return {
    nodeId,
    async request(to, topic, body, timeoutMs = MAIL_TIMEOUT_MS) {
      const id = randomUUID();
      const answered = new Promise<unknown>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiting.delete(id);
          reject(new MailTimeoutError(topic, to));
        }, timeoutMs);
        waiting.set(id, {
          resolve: (value) => (clearTimeout(timer), resolve(value)),
          reject: (err) => (clearTimeout(timer), reject(err)),
        });
      });
      // It may fail while PUBLISH is still on its way, before the caller holds it.
      answered.catch(() => undefined);
      const letter: Letter = { kind: 'request', id, from: nodeId, topic, body: body ?? null };
      let listeners: number;
      try {
        listeners = await redis.publish(channelOf(to), JSON.stringify(letter));
      } catch (err) {
        waiting.get(id)?.reject(err as Error);
        return answered;
      }
      if (listeners === 0) waiting.get(id)?.reject(new NodeUnreachableError(to));
      return answered;
    },
    handle: (topic, handler) => void handlers.set(topic, handler),
    async close() {
      await client.unsubscribe(own).catch(() => undefined);
      for (const pending of waiting.values()) pending.reject(new NodeUnreachableError(nodeId));
      waiting.clear();
    },
  };
}
