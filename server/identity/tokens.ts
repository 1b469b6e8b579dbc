import { createHmac, timingSafeEqual } from 'node:crypto';

import type { CookieOptions } from 'express';

export const SESSION_COOKIE = 'rt_session';

/**
 * The session cookie's name and attributes. Over HTTPS the `__Host-` prefix makes the browser
 * refuse the cookie unless it is Secure, has Path=/ and no Domain, so a sibling subdomain (or a
 * plain-HTTP page on the same host) cannot plant or overwrite a session.
 */
export function sessionCookie(secure: boolean): { name: string; options: CookieOptions } {
  return {
    name: secure ? `__Host-${SESSION_COOKIE}` : SESSION_COOKIE,
    options: { httpOnly: true, sameSite: 'lax', secure, path: '/' },
  };
}

interface SessionClaims {
  /** session id (the server-side session in the session store) */
  s: string;
  /** expiry, ms since epoch */
  e: number;
}

const mac = (secret: string, body: string) => createHmac('sha256', secret).update(body).digest('base64url');

/**
 * A session token: the claims, base64url, and an HMAC over them. Nothing personal is in it. The
 * signature only spares the store a lookup for forged ids; whether the session is still live is
 * the session store's answer (see sessions.ts).
 */
export function signSession(secret: string, sessionId: string, ttlMs: number, now = Date.now()): string {
  const body = Buffer.from(JSON.stringify({ s: sessionId, e: now + ttlMs } satisfies SessionClaims)).toString('base64url');
  return `${body}.${mac(secret, body)}`;
}

/** The session id in a valid, unexpired token; null for anything else. */
export function verifySession(secret: string, token: string | undefined, now = Date.now()): string | null {
  if (!token || token.length > 512) return null;
  const [body, signature, extra] = token.split('.');
  if (!body || !signature || extra !== undefined) return null;
  const expected = Buffer.from(mac(secret, body));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  try {
    const claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Partial<SessionClaims>;
    if (typeof claims.s !== 'string' || typeof claims.e !== 'number' || claims.e < now) return null;
    return claims.s;
  } catch {
    return null;
  }
}

/** Reads one cookie from a Cookie header without pulling in a parser for it. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      // A malformed value (say, planted by a sibling subdomain) must read as no session, not fail.
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

/**
 * A pseudonym for staff: stable for one person within one town hall, different across town
 * halls, and not reversible to the person without the server secret.
 */
export function pseudonym(secret: string, userId: string, townHallId: string): string {
  const digest = createHmac('sha256', secret).update(`handle:${townHallId}:${userId}`).digest();
  const alphabet = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
  let code = '';
  for (let i = 0; i < 5; i++) code += alphabet[digest[i]! % alphabet.length];
  return `R-${code}`;
}
