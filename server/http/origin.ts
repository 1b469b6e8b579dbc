/**
 * The origin allowlist. Browsers send Origin on WebSocket upgrades and on cross-site POSTs;
 * a request from a page on another site is refused so that a visitor's session cookie cannot
 * be used by someone else's page. Requests without an Origin (same-origin GETs, server-side
 * tools) carry no such risk and pass.
 */
export function createOriginCheck(allowed: string[]): (origin: string | undefined) => boolean {
  const set = new Set(allowed.map((o) => o.replace(/\/$/, '').toLowerCase()));
  return (origin) => origin === undefined || set.has(origin.toLowerCase());
}
