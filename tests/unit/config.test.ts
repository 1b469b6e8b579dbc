import { describe, expect, it } from 'vitest';
import { resolveMediaConfig } from '../../media/config.js';
import { loadConfig } from '../../server/config.js';

describe('the configuration', () => {
  it('caps connections at 20 per session, 400 per network and 100 watchers per network unless told otherwise', () => {
    expect(loadConfig({}).socketCaps).toEqual({ perSession: 20, perNetwork: 400, watchersPerNetwork: 100 });
    const set = loadConfig({ ROUNDTABLE_MAX_SOCKETS_PER_SESSION: '5', ROUNDTABLE_MAX_SOCKETS_PER_NETWORK: '1000', ROUNDTABLE_MAX_WATCHERS_PER_NETWORK: '0' });
    expect(set.socketCaps).toEqual({ perSession: 5, perNetwork: 1000, watchersPerNetwork: 0 });
    expect(() => loadConfig({ ROUNDTABLE_MAX_SOCKETS_PER_SESSION: '0' })).toThrow(/ROUNDTABLE_MAX_SOCKETS_PER_SESSION/);
  });

  it('allows the loopback origins of the listening port only when no public URL is configured', () => {
    expect(loadConfig({}).allowLoopbackOrigins).toBe(true);
    const configured = loadConfig({ ROUNDTABLE_PUBLIC_URL: 'https://townhall.example.gov' });
    expect(configured.allowLoopbackOrigins).toBe(false);
    expect(configured.allowedOrigins).toEqual(['https://townhall.example.gov']);
    expect(configured.secureCookies).toBe(true);
  });

  it('reads the department time zone, UTC unless set, and refuses a name the runtime does not know', () => {
    expect(loadConfig({}).timeZone).toBe('UTC');
    expect(loadConfig({ ROUNDTABLE_TIME_ZONE: 'America/Chicago' }).timeZone).toBe('America/Chicago');
    expect(() => loadConfig({ ROUNDTABLE_TIME_ZONE: 'Mars/Olympus' })).toThrow(/ROUNDTABLE_TIME_ZONE/);
  });

  it('reads how old an account must be for its flags to count, 72 hours unless set', () => {
    expect(loadConfig({}).flagAccountAgeHours).toBe(72);
    expect(loadConfig({ ROUNDTABLE_FLAG_ACCOUNT_AGE_HOURS: '0' }).flagAccountAgeHours).toBe(0);
    expect(loadConfig({ ROUNDTABLE_FLAG_ACCOUNT_AGE_HOURS: '24' }).flagAccountAgeHours).toBe(24);
    expect(() => loadConfig({ ROUNDTABLE_FLAG_ACCOUNT_AGE_HOURS: '-1' })).toThrow(/ROUNDTABLE_FLAG_ACCOUNT_AGE_HOURS/);
  });

  it('pipes video between nodes on the media address unless told another, and never to a wildcard', () => {
    expect(resolveMediaConfig({})).toMatchObject({ pipeListenIp: '127.0.0.1', pipeAnnouncedIp: undefined });
    expect(resolveMediaConfig({ listenIp: '0.0.0.0', announcedIp: '203.0.113.11' })).toMatchObject({
      pipeListenIp: '0.0.0.0',
      pipeAnnouncedIp: '203.0.113.11',
    });
    expect(resolveMediaConfig({ listenIp: '0.0.0.0', announcedIp: '203.0.113.11', pipeListenIp: '10.0.0.11' })).toMatchObject({
      pipeListenIp: '10.0.0.11',
      pipeAnnouncedIp: undefined,
    });
    expect(() => resolveMediaConfig({ pipeListenIp: '0.0.0.0' })).toThrow(/pipeAnnouncedIp is required/);
    expect(() => loadConfig({ ROUNDTABLE_MEDIA_PIPE_IP: '::' })).toThrow(/ROUNDTABLE_MEDIA_PIPE_ANNOUNCED_IP/);
    const media = loadConfig({ ROUNDTABLE_MEDIA_PIPE_IP: '10.0.0.11' }).media;
    expect([media.pipeListenIp, media.leaseMs]).toEqual(['10.0.0.11', 10_000]);
    expect(() => loadConfig({ ROUNDTABLE_MEDIA_LEASE_MS: '10' })).toThrow(/ROUNDTABLE_MEDIA_LEASE_MS/);
  });

  it('composes archives unless ROUNDTABLE_RECORDING_COMPOSE is off, and refuses any other word', () => {
    expect(loadConfig({}).recording.compose).toBe(true);
    expect(loadConfig({ ROUNDTABLE_RECORDING_COMPOSE: 'on' }).recording.compose).toBe(true);
    expect(loadConfig({ ROUNDTABLE_RECORDING_COMPOSE: 'off' }).recording.compose).toBe(false);
    expect(() => loadConfig({ ROUNDTABLE_RECORDING_COMPOSE: 'maybe' })).toThrow(/ROUNDTABLE_RECORDING_COMPOSE/);
  });
});
