import type { Settings } from '../../shared/record.js';
import type { Logger } from '../core/log.js';
import type { TownHallService } from '../townhall/service.js';
import { backchannelExpiresAt } from './rules.js';
import type { BackchannelStore } from './store.js';

export interface RetentionDeps {
  backchannel: BackchannelStore;
  townHalls: TownHallService;
  settings: { get(): Promise<Settings> };
  log: Logger;
}

/**
 * Deletes the backchannel of every town hall whose retention period is over. Safe to run on
 * several nodes at once and as often as wanted: deleting what is gone deletes nothing.
 */
export async function purgeBackchannels(deps: RetentionDeps, now = Date.now()): Promise<{ townHalls: number; messages: number }> {
  const settings = await deps.settings.get();
  let townHalls = 0;
  let messages = 0;
  for (const townHall of await deps.townHalls.list()) {
    const expiresAt = backchannelExpiresAt(townHall, settings);
    if (expiresAt === null || now < expiresAt) continue;
    const deleted = await deps.backchannel.deleteTownHall(townHall.id);
    if (deleted > 0) townHalls++;
    messages += deleted;
  }
  // Counts only: what staff wrote is never logged.
  if (messages > 0) deps.log.info({ townHalls, messages }, 'backchannels past their retention deleted');
  return { townHalls, messages };
}

/** Runs the purge now and then every `intervalMs` (hourly by default); a failure is logged and retried next time. */
export function scheduleBackchannelPurge(deps: RetentionDeps, intervalMs = 3600_000): () => void {
  const run = () => void purgeBackchannels(deps).catch((err: unknown) => deps.log.warn({ err }, 'backchannel purge failed; retrying later'));
  run();
  const timer = setInterval(run, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
