import { describe, expect, it } from 'vitest';
import { backchannelExpiresAt, mayUseBackchannel } from '../../server/backchannel/rules.js';
import type { Role } from '../../shared/roles.js';

const townHall = { hosts: [{ id: 'officer-host-01', displayName: 'Lt. Host' }] };
const person = (role: Role, id = `${role}-000000001`) => ({ id, role });
const DAY = 86_400_000;

describe('the backchannel rules', () => {
  it('lets in the hosts, admins, moderators and captioners, and no one else', () => {
    expect(mayUseBackchannel(townHall, person('officer', 'officer-host-01'))).toBe(true);
    expect(mayUseBackchannel(townHall, person('admin'))).toBe(true);
    expect(mayUseBackchannel(townHall, person('moderator'))).toBe(true);
    expect(mayUseBackchannel(townHall, person('captioner'))).toBe(true);
    expect(mayUseBackchannel(townHall, person('officer'))).toBe(false);
    expect(mayUseBackchannel(townHall, person('resident'))).toBe(false);
    // A resident whose id is a host's (it cannot be) is still a resident.
    expect(mayUseBackchannel(townHall, person('resident', 'officer-host-01'))).toBe(false);
  });

  it('keeps a town hall\'s backchannel until the retention after its end, and while it has not ended', () => {
    const settings = { backchannelRetentionDays: 30 };
    expect(backchannelExpiresAt({ status: 'live', endedAt: null }, settings)).toBeNull();
    expect(backchannelExpiresAt({ status: 'scheduled', endedAt: null }, settings)).toBeNull();
    expect(backchannelExpiresAt({ status: 'ended', endedAt: 1_000 }, settings)).toBe(1_000 + 30 * DAY);
    expect(backchannelExpiresAt({ status: 'ended', endedAt: 1_000 }, { backchannelRetentionDays: 0 })).toBe(1_000);
  });
});
