import { Router, type Response } from 'express';
import { CommandError, ErrorCode } from '../../shared/errors.js';
import { canModerate } from '../../shared/roles.js';
import { sessionOf } from '../http/session.js';
import type { AuditLogStore } from './audit.js';
import { auditToCsv, auditToJson } from './audit-export.js';
import { readWholeLog, verifyLog } from './audit-read.js';

/** The moderation record for moderators: export as CSV or JSON, and verify the chain. */
export function moderationRoutes(audit: AuditLogStore): Router {
  const router = Router();
  const requireModerator = (res: Response) => {
    const user = sessionOf(res);
    if (!user) throw new CommandError(ErrorCode.UNAUTHENTICATED, 'Sign in first.');
    if (!canModerate(user.role)) throw new CommandError(ErrorCode.FORBIDDEN, 'Only moderators can read the record.');
  };

  router.get('/moderation/audit.csv', async (_req, res) => {
    requireModerator(res);
    res.type('text/csv').attachment('roundtable-moderation-log.csv').send(auditToCsv(await readWholeLog(audit)));
  });
  router.get('/moderation/audit.json', async (_req, res) => {
    requireModerator(res);
    res.type('application/json').attachment('roundtable-moderation-log.json').send(auditToJson(await readWholeLog(audit)));
  });
  router.get('/moderation/audit/verify', async (_req, res) => {
    requireModerator(res);
    const { verdict, head } = await verifyLog(audit);
    res.json({ ...verdict, head });
  });
  return router;
}
