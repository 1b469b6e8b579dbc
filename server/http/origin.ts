/**
 * The origin allowlist. Browsers send Origin on WebSocket upgrades and on cross-site POSTs;
 * a request from a page on another site is refused so that a visitor's session cookie cannot
 * be used by someone else's page. Requests without an Origin (same-origin GETs, server-side
 * tools) carry no such risk and pass.
 *
 * The Host header is never consulted: whoever sends the request chooses it, so a page on
 * evil.example reached through a name that points at this server would otherwise pass.
 */
export interface OriginCheck {
  (origin: string | undefined): boolean;
  /** Allows more origins from now on (the app's own, once it knows the port it listens on). */
  allow(origins: string[]): void;
}

export function createOriginCheck(allowed: string[]): OriginCheck {
  const set = new Set<string>();
  const check = ((origin) => origin === undefined || set.has(origin.toLowerCase())) as OriginCheck;
  check.allow = (origins) => {
    for (const o of origins) set.add(o.replace(/\/$/, '').toLowerCase());
  };
  check.allow(allowed);
  return check;
}

/** The origins of a server listening on a port of this machine, as a browser on it names them. */
export const loopbackOrigins = (port: number): string[] => [`http://127.0.0.1:${port}`, `http://localhost:${port}`];
