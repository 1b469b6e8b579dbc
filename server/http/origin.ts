/**
 * The origin allowlist. Browsers send Origin on WebSocket upgrades and on cross-site POSTs;
 * a request from a page on another site is refused so that a visitor's session cookie cannot
 * be used by someone else's page. A page served by this server itself (Origin naming the same
 * host the request was sent to) is always allowed, as are requests without an Origin
 * (same-origin GETs, server-side tools), which carry no such risk.
 */
export function createOriginCheck(allowed: string[]): (origin: string | undefined, host: string | undefined) => boolean {
  const set = new Set(allowed.map((o) => o.replace(/\/$/, '').toLowerCase()));
  return (origin, host) => {
    if (origin === undefined || set.has(origin.toLowerCase())) return true;
    try {
      return host !== undefined && new URL(origin).host.toLowerCase() === host.toLowerCase();
    } catch {
      return false;
    }
  };
}
