import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.js';

describe('the configuration', () => {
  it('caps connections at 20 per session and 400 per network unless told otherwise', () => {
    expect(loadConfig({}).socketCaps).toEqual({ perSession: 20, perNetwork: 400 });
    const set = loadConfig({ ROUNDTABLE_MAX_SOCKETS_PER_SESSION: '5', ROUNDTABLE_MAX_SOCKETS_PER_NETWORK: '1000' });
    expect(set.socketCaps).toEqual({ perSession: 5, perNetwork: 1000 });
    expect(() => loadConfig({ ROUNDTABLE_MAX_SOCKETS_PER_SESSION: '0' })).toThrow(/ROUNDTABLE_MAX_SOCKETS_PER_SESSION/);
  });

  it('allows the loopback origins of the listening port only when no public URL is configured', () => {
    expect(loadConfig({}).allowLoopbackOrigins).toBe(true);
    const configured = loadConfig({ ROUNDTABLE_PUBLIC_URL: 'https://townhall.example.gov' });
    expect(configured.allowLoopbackOrigins).toBe(false);
    expect(configured.allowedOrigins).toEqual(['https://townhall.example.gov']);
    expect(configured.secureCookies).toBe(true);
  });

  it('reads how old an account must be for its flags to count, 72 hours unless set', () => {
    expect(loadConfig({}).flagAccountAgeHours).toBe(72);
    expect(loadConfig({ ROUNDTABLE_FLAG_ACCOUNT_AGE_HOURS: '0' }).flagAccountAgeHours).toBe(0);
    expect(loadConfig({ ROUNDTABLE_FLAG_ACCOUNT_AGE_HOURS: '24' }).flagAccountAgeHours).toBe(24);
    expect(() => loadConfig({ ROUNDTABLE_FLAG_ACCOUNT_AGE_HOURS: '-1' })).toThrow(/ROUNDTABLE_FLAG_ACCOUNT_AGE_HOURS/);
  });
});
