import { describe, expect, it } from 'vitest';
import { pseudonym, readCookie, sessionCookie, signSession, verifySession } from '../../server/identity/tokens.js';

const SECRET = 'unit-test-secret-unit-test-secret-000';

describe('session tokens', () => {
  it('round-trips a user id', () => {
    expect(verifySession(SECRET, signSession(SECRET, 'user123', 60_000))).toBe('user123');
  });

  it('refuses a token signed with another secret, tampered with, or expired', () => {
    const token = signSession(SECRET, 'user123', 60_000);
    expect(verifySession('another-secret-another-secret-0000', token)).toBeNull();
    const [body, mac] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ s: 'admin', e: Date.now() + 60_000 })).toString('base64url');
    expect(verifySession(SECRET, `${forged}.${mac}`)).toBeNull();
    expect(verifySession(SECRET, `${body}.${mac}.x`)).toBeNull();
    expect(verifySession(SECRET, signSession(SECRET, 'user123', 1000, Date.now() - 5000))).toBeNull();
    expect(verifySession(SECRET, undefined)).toBeNull();
  });

  it('reads one cookie among several', () => {
    expect(readCookie('a=1; rt_session=abc.def; b=2', 'rt_session')).toBe('abc.def');
    expect(readCookie('a=1', 'rt_session')).toBeUndefined();
  });

  it('names the cookie __Host-rt_session behind HTTPS: Secure, HttpOnly, Path=/ and no Domain', () => {
    expect(sessionCookie(true)).toEqual({
      name: '__Host-rt_session',
      options: { httpOnly: true, sameSite: 'lax', secure: true, path: '/' },
    });
    expect(sessionCookie(false)).toEqual({
      name: 'rt_session',
      options: { httpOnly: true, sameSite: 'lax', secure: false, path: '/' },
    });
  });

  it('makes pseudonyms stable within a town hall and different across town halls', () => {
    const a = pseudonym(SECRET, 'user123', 'townhall1');
    expect(a).toMatch(/^R-[A-Z0-9]{5}$/);
    expect(pseudonym(SECRET, 'user123', 'townhall1')).toBe(a);
    expect(pseudonym(SECRET, 'user123', 'townhall2')).not.toBe(a);
    expect(pseudonym(SECRET, 'user456', 'townhall1')).not.toBe(a);
  });
});
