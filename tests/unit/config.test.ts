import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.js';

describe('configuration', () => {
  it('reads how old an account must be for its flags to count, 72 hours unless set', () => {
    expect(loadConfig({}).flagAccountAgeHours).toBe(72);
    expect(loadConfig({ ROUNDTABLE_FLAG_ACCOUNT_AGE_HOURS: '0' }).flagAccountAgeHours).toBe(0);
    expect(loadConfig({ ROUNDTABLE_FLAG_ACCOUNT_AGE_HOURS: '24' }).flagAccountAgeHours).toBe(24);
    expect(() => loadConfig({ ROUNDTABLE_FLAG_ACCOUNT_AGE_HOURS: '-1' })).toThrow(/ROUNDTABLE_FLAG_ACCOUNT_AGE_HOURS/);
  });
});
