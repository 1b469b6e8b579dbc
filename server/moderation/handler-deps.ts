import { canModerate } from '../../shared/roles.js';
import type { CommandDeps } from '../core/command.js';
import type { RateRule } from '../core/rate-limit.js';
import type { IdentityService } from '../identity/service.js';
import type { RoomPublisher } from '../townhall/publish.js';
import type { TownHallService } from '../townhall/service.js';
import type { AuditLogStore } from './audit.js';
import type { ModerationCore } from './parts.js';

export const RATES = {
  flag: { name: 'mod:flag', points: 10, seconds: 60 },
  appeal: { name: 'mod:appeal', points: 5, seconds: 600 },
  read: { name: 'mod:read', points: 20, seconds: 10 },
  staff: { name: 'mod:act-as-staff', points: 30, seconds: 1 },
} satisfies Record<string, RateRule>;

export interface ModerationHandlerDeps extends CommandDeps {
  core: ModerationCore;
  audit: AuditLogStore;
  identity: IdentityService;
  /** Whether a flagger is a guest or holds an account, and since when. */
  accounts: { getUser(id: string): Promise<{ kind: 'guest' | 'account'; createdAt: number } | null> };
  townHalls: TownHallService;
  /** Where facts for everyone in a town hall go out (the room's one publishing seam). */
  room: RoomPublisher;
  /** Distinct counting flags that hide an item pending review. */
  flagThreshold: number;
  /** How old an account must be for its flags to count where its holder did not take part. */
  flagAccountAgeMs: number;
}

export const isModerator = (user: { role: Parameters<typeof canModerate>[0] }): boolean => canModerate(user.role);
