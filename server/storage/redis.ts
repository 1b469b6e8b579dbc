import { createHash } from 'node:crypto';
import { createClient, type RedisClientType } from 'redis';

export type RedisClient = RedisClientType;

/** Every key Roundtable writes starts with `rt:`, so it can share a Redis with other apps. */
export const rkey = (...parts: string[]): string => ['rt', ...parts].join(':');

export interface ConnectRedisOptions {
  /** Connection errors after start-up; node-redis reconnects by itself, so these are for logging. */
  onError?: (err: Error) => void;
  /** How many times to retry the first connection before giving up (start-up fails fast). */
  initialRetries?: number;
}

export async function connectRedis(url: string, opts: ConnectRedisOptions = {}): Promise<RedisClient> {
  const initialRetries = opts.initialRetries ?? 5;
  let connectedOnce = false;
  const client: RedisClient = createClient({
    url,
    // While Redis is unreachable a command fails at once with ClientOfflineError, so the app can
    // answer UNAVAILABLE instead of leaving a request waiting for the outage to end.
    disableOfflineQueue: true,
    socket: {
      // Before the first connection a dead Redis is a configuration mistake: give up and let
      // start-up fail. After it, an outage is transient: keep retrying with a capped backoff.
      reconnectStrategy: (retries, cause) =>
        !connectedOnce && retries >= initialRetries ? cause : Math.min(50 * 2 ** retries, 2000),
    },
  });
  // node-redis emits 'error' on every connection loss; without a listener node would crash.
  client.on('error', (err: Error) => opts.onError?.(err));
  client.on('ready', () => {
    connectedOnce = true;
  });
  await client.connect();
  return client;
}

export interface LuaScript {
  run(redis: RedisClient, keys: string[], args: string[]): Promise<unknown>;
}

/**
 * A Lua script, run by its SHA; the source is sent only when Redis has not cached it yet (first
 * use, or after a restart). Every invariant that needs a read and a write together (one vote per
 * person, compare-and-set) lives in one of these, because Redis runs a script without
 * interleaving other clients' commands.
 */
export function lua(source: string): LuaScript {
  const sha = createHash('sha1').update(source).digest('hex');
  return {
    async run(redis, keys, args) {
      try {
        return await redis.evalSha(sha, { keys, arguments: args });
      } catch (err) {
        if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
        return redis.eval(source, { keys, arguments: args });
      }
    },
  };
}

/** Turns a flat HGETALL reply from a script into an object; null for a missing key. */
export function flatHash(reply: unknown): Record<string, string> | null {
  if (!Array.isArray(reply) || reply.length === 0) return null;
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < reply.length; i += 2) out[String(reply[i])] = String(reply[i + 1]);
  return out;
}

/** A plain HGETALL resolves to an empty object for a missing key. */
export const present = (hash: Record<string, string>): Record<string, string> | null =>
  Object.keys(hash).length === 0 ? null : hash;
