import { describe, expect, it } from 'vitest';
import { networkKeyer, networkOf, parseTrustProxy } from '../../server/http/address.js';
import { createHallCodes, HALL_CODE_WINDOW_MS } from '../../server/townhall/hall-code.js';

describe('the network a client comes from', () => {
  it('is an IPv4 address itself, also when written IPv4-mapped', () => {
    expect(networkOf('203.0.113.9')).toBe('203.0.113.9');
    expect(networkOf('::ffff:203.0.113.9')).toBe('203.0.113.9');
  });

  it('is the /64 of an IPv6 address, however it is written', () => {
    expect(networkOf('2001:db8:1:2::1')).toBe('2001:db8:1:2::/64');
    expect(networkOf('2001:0db8:0001:0002:ffff:eeee:dddd:cccc')).toBe('2001:db8:1:2::/64');
    expect(networkOf('2001:db8:1:3::1')).not.toBe(networkOf('2001:db8:1:2::1'));
  });

  it('keys a network without showing it, the same for every address in it', () => {
    const key = networkKeyer('a-secret-of-enough-length-for-the-test');
    expect(key('2001:db8:1:2::1')).toBe(key('2001:db8:1:2::abcd'));
    expect(key('203.0.113.9')).not.toContain('203');
    expect(key('203.0.113.9')).not.toBe(networkKeyer('another-secret-of-enough-length-here')('203.0.113.9'));
  });

  it('reads ROUNDTABLE_TRUST_PROXY as nobody, a hop count or a list, and refuses nonsense', () => {
    expect(parseTrustProxy(undefined)).toBe(false);
    expect(parseTrustProxy('')).toBe(false);
    expect(parseTrustProxy('1')).toBe(1);
    expect(parseTrustProxy('loopback, 10.0.0.0/8')).toEqual(['loopback', '10.0.0.0/8']);
    expect(() => parseTrustProxy('not-an-address')).toThrow();
  });
});

describe('the hall code', () => {
  const codes = createHallCodes('hall-secret-hall-secret-hall-secret-01');

  it('is six unambiguous characters, the same on every node, and different per town hall', () => {
    const now = 1_800_000_000_000;
    const { code } = codes.current('hall-one-0000001', now);
    expect(code).toMatch(/^[A-HJ-NP-Z2-9]{6}$/);
    expect(createHallCodes('hall-secret-hall-secret-hall-secret-01').current('hall-one-0000001', now).code).toBe(code);
    expect(codes.current('hall-two-0000002', now).code).not.toBe(code);
  });

  it('is accepted in its window and the next, then no longer', () => {
    const now = 1_800_000_000_000;
    const { code, expiresAt } = codes.current('hall-one-0000001', now);
    expect(codes.accepts('hall-one-0000001', code, now)).toBe(true);
    expect(codes.accepts('hall-one-0000001', code, now + HALL_CODE_WINDOW_MS)).toBe(true);
    expect(codes.accepts('hall-one-0000001', code, expiresAt)).toBe(false);
    expect(codes.accepts('hall-two-0000002', code, now)).toBe(false);
  });
});
