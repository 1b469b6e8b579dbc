/**
 * Whether an error means the storage backend cannot be reached right now (Redis down, the
 * SQLite file locked past its timeout) rather than a fault in our code. Such errors are
 * answered with UNAVAILABLE so the client can retry, instead of INTERNAL.
 */
export function isUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED' || code === 'ECONNREFUSED' || code === 'ECONNRESET') return true;
  return ['ClientClosedError', 'ClientOfflineError', 'ConnectionTimeoutError', 'SocketClosedUnexpectedlyError'].includes(
    err.name,
  );
}
