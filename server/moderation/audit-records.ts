import type { NewAuditEntry } from './audit.js';

/**
 * Copies exactly the fields an entry has. chainEntry spreads its input, so an extra property
 * on the caller's object would come back from append, unhashed, but never from list.
 */
export const plainAuditEntry = (e: NewAuditEntry): NewAuditEntry => ({
  at: e.at,
  actorId: e.actorId,
  actorName: e.actorName,
  action: e.action,
  target: e.target,
  reason: e.reason,
  note: e.note,
});
