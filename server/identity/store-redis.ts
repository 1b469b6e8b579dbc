import type { Role } from '../../shared/roles.js';
import { isStaff } from '../../shared/roles.js';
import { lua, present, rkey, type RedisClient } from '../storage/redis.js';
import type { IdentityStore, NewUser, SetDisabledOutcome, UserRecord } from './store.js';
import { newUserRecord } from './store-records.js';

const keys = {
  user: (id: string) => rkey('user', id),
  byUsername: rkey('users', 'by-username'),
  role: (role: Role) => rkey('users', 'role', role),
  staff: rkey('users', 'staff'),
};

// The username is claimed with HSETNX in the same script that writes the user, so two
// concurrent sign-ups for one name cannot both succeed, and a refused one leaves nothing behind.
const create = lua(`
  local id, username, staff, createdAt = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
  if username ~= '' and redis.call('HSETNX', KEYS[2], username, id) == 0 then return 0 end
  redis.call('HSET', KEYS[1], unpack(ARGV, 5))
  redis.call('SADD', KEYS[3], id)
  if staff == '1' then redis.call('ZADD', KEYS[4], createdAt, id) end
  return 1
`);

// Admins are few, so counting the enabled ones by walking the role set is cheap; doing it in
// the script that writes the flag means two admins disabling each other cannot both succeed.
const setDisabled = lua(`
  if redis.call('EXISTS', KEYS[1]) == 0 then return 'not-found' end
  if ARGV[1] == '1' then
    local fields = redis.call('HMGET', KEYS[1], 'role', 'disabled')
    if fields[1] == 'admin' and fields[2] ~= '1' then
      local active = 0
      for _, id in ipairs(redis.call('SMEMBERS', KEYS[2])) do
        if redis.call('HGET', ARGV[2] .. id, 'disabled') ~= '1' then active = active + 1 end
      end
      if active <= 1 then return 'last-admin' end
    end
    redis.call('HSET', KEYS[1], 'disabled', '1')
  else
    redis.call('HDEL', KEYS[1], 'disabled')
  end
  return 'ok'
`);

const setPassword = lua(`
  if redis.call('HGET', KEYS[1], 'kind') ~= 'account' then return 0 end
  redis.call('HSET', KEYS[1], 'passwordHash', ARGV[1])
  return 1
`);

const setUnit = lua(`
  if redis.call('HGET', KEYS[1], 'kind') ~= 'account' then return 0 end
  if ARGV[1] == '' then redis.call('HDEL', KEYS[1], 'unitId') else redis.call('HSET', KEYS[1], 'unitId', ARGV[1]) end
  return 1
`);

// Null fields are left out of the hash rather than written as a sentinel string.
function toFields(u: UserRecord): string[] {
  const fields = ['id', u.id, 'kind', u.kind, 'role', u.role, 'displayName', u.displayName];
  fields.push('createdAt', String(u.createdAt));
  if (u.username !== null) fields.push('username', u.username);
  if (u.passwordHash !== null) fields.push('passwordHash', u.passwordHash);
  return fields;
}

const fromHash = (h: Record<string, string>): UserRecord => ({
  id: h.id!,
  kind: h.kind as UserRecord['kind'],
  role: h.role as Role,
  displayName: h.displayName!,
  username: h.username ?? null,
  passwordHash: h.passwordHash ?? null,
  createdAt: Number(h.createdAt),
  disabled: h.disabled === '1',
  unitId: h.unitId ?? null,
});

export function createRedisIdentityStore(redis: RedisClient): IdentityStore {
  const getUser = async (id: string): Promise<UserRecord | null> => {
    const h = present(await redis.hGetAll(keys.user(id)));
    return h ? fromHash(h) : null;
  };

  return {
    async createUser(user: NewUser) {
      const record = newUserRecord(user);
      const staff = record.kind === 'account' && isStaff(record.role);
      const created = await create.run(
        redis,
        [keys.user(record.id), keys.byUsername, keys.role(record.role), keys.staff],
        [record.id, record.username ?? '', staff ? '1' : '0', String(record.createdAt), ...toFields(record)],
      );
      return created === 1 ? record : null;
    },
    getUser,
    async findByUsername(username) {
      const id = await redis.hGet(keys.byUsername, username);
      return id ? getUser(id) : null;
    },
    async listStaff() {
      // Equal scores come back in member order, i.e. by id, matching the SQLite tie-break.
      const ids = await redis.zRange(keys.staff, 0, -1);
      const users = await Promise.all(ids.map(getUser));
      return users.filter((u): u is UserRecord => u !== null);
    },
    async countByRole(role) {
      return redis.sCard(keys.role(role));
    },
    async setDisabled(id, disabled) {
      const outcome = await setDisabled.run(redis, [keys.user(id), keys.role('admin')], [disabled ? '1' : '0', keys.user('')]);
      return outcome as SetDisabledOutcome;
    },
    async setPasswordHash(id, passwordHash) {
      return (await setPassword.run(redis, [keys.user(id)], [passwordHash])) === 1;
    },
    async setUnit(id, unitId) {
      return (await setUnit.run(redis, [keys.user(id)], [unitId ?? ''])) === 1;
    },
  };
}
