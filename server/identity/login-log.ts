import { createHmac } from 'node:crypto';
import { isStaff } from '../../shared/roles.js';
import type { Logger } from '../core/log.js';
import type { UserRecord } from './store.js';

export type LoginFailure = 'credentials' | 'disabled';

/**
 * Sign-in outcomes for the operator: repeated failures against one username show up as one
 * repeated tag. The username is logged only as a short keyed hash (not reversible without the
 * server secret, and not a dictionary lookup away like a plain hash); never the password, never
 * the address.
 */
export function loginLog(log: Logger, secret: string) {
  const tag = (username: string) => createHmac('sha256', secret).update(`login:${username}`).digest('base64url').slice(0, 12);
  return {
    failed(username: string, reason: LoginFailure) {
      log.warn({ login: tag(username), reason }, 'login failed');
    },
    succeeded(username: string, user: UserRecord) {
      if (isStaff(user.role)) log.info({ login: tag(username), userId: user.id, role: user.role }, 'staff login');
    },
  };
}
