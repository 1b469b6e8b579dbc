// TURN relays for residents whose network lets no media through to the media servers (a city
// or corporate firewall that allows only web traffic). The relay is coturn, or any TURN server
// that checks the TURN REST API's time-limited credentials against a shared secret
// (draft-uberti-behave-turn-rest-00; coturn's `use-auth-secret` + `static-auth-secret`).
import { createHmac, randomBytes } from 'node:crypto';
import type { IceServer } from '../../shared/media.js';

export interface TurnSettings {
  /** `turn:` and `turns:` URLs (RFC 7065), handed to browsers as they are. */
  urls: string[];
  /** The relay's `static-auth-secret`. */
  secret: string;
  /** How long a credential may open a relay after it is handed out. */
  ttlSeconds: number;
}

/**
 * coturn checks a credential's expiry only when a relay is opened; one in use keeps working
 * past it. Credentials are minted per transport, just before the browser opens its relay, so an
 * hour is plenty and bounds what a leaked one is worth.
 */
export const DEFAULT_TURN_TTL_SECONDS = 3600;

/** `turn:host[:port][?transport=udp|tcp]`, `turns:` likewise (RFC 7065); IPv6 hosts in brackets. */
const TURN_URL = /^turns?:(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?)(?::(\d{1,5}))?(?:\?transport=(?:udp|tcp))?$/;

export function isTurnUrl(url: string): boolean {
  const match = TURN_URL.exec(url);
  const port = match?.[1];
  return match !== null && (port === undefined || (Number(port) >= 1 && Number(port) <= 65535));
}

/**
 * One credential for the relays: username `<expiry unix seconds>:<opaque id>`, password
 * base64(HMAC-SHA1(secret, username)). The id is random, never the person's name, account or
 * address: the relay's logs hold nothing that says who watched.
 */
export function turnCredentials(settings: TurnSettings, now: number = Date.now()): IceServer {
  const expiry = Math.floor(now / 1000) + settings.ttlSeconds;
  const username = `${expiry}:${randomBytes(9).toString('base64url')}`;
  const credential = createHmac('sha1', settings.secret).update(username).digest('base64');
  return { urls: [...settings.urls], username, credential };
}
