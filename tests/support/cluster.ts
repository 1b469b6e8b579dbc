// What the fault tests share: staff and town halls written straight into the shared stores
// (as an admin would have made them), and sign-in through any node.
import { openStores, type Stores } from '../../server/stores.js';
import { createIdentityService } from '../../server/identity/service.js';
import type { StaffRole } from '../../shared/roles.js';
import { loginAt } from './nodes.js';
import type { Session } from './server.js';

export async function openSharedStores(redisUrl: string): Promise<Stores> {
  return openStores({ kind: 'redis', url: redisUrl });
}

let counter = 0;
export async function staffAt(stores: Stores, url: string, role: StaffRole, displayName: string): Promise<Session> {
  const username = `${role}${++counter}${Math.random().toString(36).slice(2, 6)}`;
  const password = 'correct horse battery staple';
  await createIdentityService(stores.identity).createStaff({ username, password, role, displayName });
  return loginAt(url, username, password);
}
