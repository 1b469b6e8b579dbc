// Who may use a town hall's staff backchannel, and how long it is kept: pure rules, no I/O.
import type { Settings } from '../../shared/record.js';
import type { Role } from '../../shared/roles.js';
import { isHostOf, type TownHall } from '../../shared/townhall.js';

const DAY_MS = 86_400_000;

/**
 * The people running this town hall: its hosts (officers named on it; admins count as hosts of
 * every town hall), and the moderators and captioners, who work every town hall. An officer who
 * does not host it is left out: the channel is the crew's, and officers follow the rule they
 * follow for every other control of a town hall (captions, polls, answers). Residents, guests
 * and watchers never.
 */
export function mayUseBackchannel(townHall: Pick<TownHall, 'hosts'>, user: { id: string; role: Role }): boolean {
  if (user.role === 'moderator' || user.role === 'captioner') return true;
  return (user.role === 'officer' || user.role === 'admin') && isHostOf(townHall, user);
}

/**
 * When a town hall's backchannel is deleted: `backchannelRetentionDays` after it ended. A town
 * hall not yet ended keeps it (null).
 */
export function backchannelExpiresAt(
  townHall: Pick<TownHall, 'status' | 'endedAt'>,
  settings: Pick<Settings, 'backchannelRetentionDays'>,
): number | null {
  if (townHall.status !== 'ended' || townHall.endedAt === null) return null;
  return townHall.endedAt + settings.backchannelRetentionDays * DAY_MS;
}
