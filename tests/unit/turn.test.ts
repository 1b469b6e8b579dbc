import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadConfig, redacted } from '../../server/config.js';
import { isTurnUrl, turnCredentials } from '../../server/townhall/turn.js';

const SECRET = 'a-shared-secret-of-some-length';
const URLS = 'turn:turn.example.gov:3478?transport=udp, turns:turn.example.gov:443?transport=tcp';

describe('TURN settings', () => {
  it('has no relay unless one is configured, and then hands out credentials valid for an hour by default', () => {
    expect(loadConfig({}).turn).toBeNull();
    const { turn } = loadConfig({ ROUNDTABLE_TURN_URLS: URLS, ROUNDTABLE_TURN_SECRET: SECRET });
    expect(turn).toEqual({
      urls: ['turn:turn.example.gov:3478?transport=udp', 'turns:turn.example.gov:443?transport=tcp'],
      secret: SECRET,
      ttlSeconds: 3600,
    });
    const longer = loadConfig({ ROUNDTABLE_TURN_URLS: URLS, ROUNDTABLE_TURN_SECRET: SECRET, ROUNDTABLE_TURN_TTL_SECONDS: '86400' });
    expect(longer.turn?.ttlSeconds).toBe(86_400);
  });

  it('refuses to start with a relay but no secret, a secret but no relay, or a URL that is not turn: or turns:', () => {
    expect(() => loadConfig({ ROUNDTABLE_TURN_URLS: URLS })).toThrow(/ROUNDTABLE_TURN_SECRET is required/);
    expect(() => loadConfig({ ROUNDTABLE_TURN_SECRET: SECRET })).toThrow(/ROUNDTABLE_TURN_URLS names no relay/);
    expect(() => loadConfig({ ROUNDTABLE_TURN_URLS: 'stun:stun.example.gov', ROUNDTABLE_TURN_SECRET: SECRET })).toThrow(
      /ROUNDTABLE_TURN_URLS must be turn: or turns: URLs .*not stun:stun.example.gov/,
    );
    expect(() => loadConfig({ ROUNDTABLE_TURN_URLS: URLS, ROUNDTABLE_TURN_SECRET: 'short' })).toThrow(/ROUNDTABLE_TURN_SECRET/);
    expect(() => loadConfig({ ROUNDTABLE_TURN_URLS: URLS, ROUNDTABLE_TURN_SECRET: SECRET, ROUNDTABLE_TURN_TTL_SECONDS: '0' })).toThrow(
      /ROUNDTABLE_TURN_TTL_SECONDS/,
    );
  });

  it('reads turn: and turns: URLs with a host, an optional port and transport, and nothing else', () => {
    for (const url of ['turn:203.0.113.5', 'turn:[2001:db8::5]:3478', 'turns:turn.example.gov:443?transport=tcp', 'turn:relay-1.city.gov:3478?transport=udp']) {
      expect(isTurnUrl(url), url).toBe(true);
    }
    for (const url of ['turn:', 'turn:host:0', 'turn:host:70000', 'turn:host?transport=sctp', 'http://turn.example.gov', 'turn:user@host', 'turn:host:3478,turn:x']) {
      expect(isTurnUrl(url), url).toBe(false);
    }
  });

  it('never logs the secret', () => {
    const config = loadConfig({ ROUNDTABLE_TURN_URLS: URLS, ROUNDTABLE_TURN_SECRET: SECRET });
    expect(JSON.stringify(redacted(config))).not.toContain(SECRET);
    expect(redacted(config).turn?.secret).toBe('[set]');
  });
});

describe('TURN credentials', () => {
  const settings = { urls: ['turn:turn.example.gov:3478'], secret: SECRET, ttlSeconds: 600 };

  it('puts the expiry and a random id in the username and signs it with the shared secret (the TURN REST API rule)', () => {
    const now = Date.UTC(2026, 11, 3, 19, 0, 0);
    const server = turnCredentials(settings, now);

    const [expiry, id] = server.username.split(':');
    expect(Number(expiry)).toBe(now / 1000 + 600);
    expect(id).toMatch(/^[A-Za-z0-9_-]{12}$/);
    expect(server.credential).toBe(createHmac('sha1', SECRET).update(server.username).digest('base64'));
    expect(server.urls).toEqual(settings.urls);
  });

  it('gives every transport an id of its own that says nothing of who holds it', () => {
    const ids = new Set(Array.from({ length: 50 }, () => turnCredentials(settings).username.split(':')[1]));
    expect(ids.size).toBe(50);
  });
});
