import {
  ClientClosedError,
  ClientOfflineError,
  ConnectionTimeoutError,
  DisconnectsClientError,
  SocketClosedUnexpectedlyError,
  SocketTimeoutError,
  TimeoutError,
} from 'redis';

// node-redis does not set `name` on its errors, so they are told apart by class.
const REDIS_UNREACHABLE = [
  ClientClosedError,
  ClientOfflineError,
  ConnectionTimeoutError,
  // A command that waited too long (a backlogged Redis), or one cut off by a disconnect.
  DisconnectsClientError,
  SocketClosedUnexpectedlyError,
  SocketTimeoutError,
  TimeoutError,
];

/**
 * Whether an error means the storage backend cannot be reached right now (Redis down, the
 * SQLite file locked past its timeout) rather than a fault in our code. Such errors are
 * answered with UNAVAILABLE so the client can retry, instead of INTERNAL.
 */
export function isUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  if (REDIS_UNREACHABLE.some((type) => err instanceof type)) return true;
  const code = (err as { code?: unknown }).code;
  return code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED' || code === 'ECONNREFUSED' || code === 'ECONNRESET';
}
