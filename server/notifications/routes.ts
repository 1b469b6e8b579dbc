import express, { Router, type Request, type Response } from 'express';
import { CommandError, ErrorCode } from '../../shared/errors.js';
import { MailSettingsBody, MailToken } from '../../shared/notices.js';
import { canManageStaff } from '../../shared/roles.js';
import type { Logger } from '../core/log.js';
import { tooFast } from '../core/command.js';
import type { RateLimits, RateRule } from '../core/rate-limit.js';
import { parseBody } from '../http/errors.js';
import { sessionOf } from '../http/session.js';
import type { Mailer } from './mail.js';
import type { NotificationService } from './service.js';
import type { NotificationStore } from './store.js';

const LINK_RATE: RateRule = { name: 'mail:link', points: 30, seconds: 60 };

export interface MailRouteDeps {
  notices: NotificationService;
  store: Pick<NotificationStore, 'mailSettings' | 'putMailSettings'>;
  mailer: Mailer;
  limits: RateLimits;
  networkKey(req: Request): string;
  log: Logger;
}

/**
 * The links in mail, and the admin's SMTP settings. Mounted before the origin check: a mail
 * client's one-click unsubscribe (RFC 8058) POSTs with no Origin and no session, and the
 * tokens, not a cookie, are what authorise these two.
 */
export function mailLinkRoutes(deps: MailRouteDeps): Router {
  const router = Router();
  const limit = async (req: Request) => {
    const outcome = await deps.limits.consume(LINK_RATE, deps.networkKey(req));
    if (!outcome.ok) throw tooFast(outcome.retryAfterMs);
  };
  router.post('/mail/confirm', express.json({ limit: 1024 }), async (req, res) => {
    await limit(req);
    await deps.notices.confirm(parseBody(MailToken, req.body).token);
    res.json({ confirmed: true });
  });
  // One-click: `POST <url>?token=…` with the body `List-Unsubscribe=One-Click` (form-encoded), or
  // the unsubscribe page's JSON `{ token }`.
  router.post('/mail/unsubscribe', express.urlencoded({ extended: false, limit: 1024 }), express.json({ limit: 1024 }), async (req, res) => {
    await limit(req);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const token = typeof req.query.token === 'string' ? req.query.token : body.token;
    const deleted = await deps.notices.unsubscribe(parseBody(MailToken, { token }).token);
    res.json({ unsubscribed: true, deleted });
  });
  return router;
}

/** The admin's SMTP settings: read without the password, written with it (omitted keeps the stored one). */
export function mailSettingsRoutes(deps: MailRouteDeps): Router {
  const router = Router();
  const requireAdmin = (res: Response) => {
    const user = sessionOf(res);
    if (!user) throw new CommandError(ErrorCode.UNAUTHENTICATED, 'Sign in first.');
    if (!canManageStaff(user.role)) throw new CommandError(ErrorCode.FORBIDDEN, 'Only an admin can set up mail.');
    return user;
  };
  router.get('/admin/mail', async (_req, res) => {
    requireAdmin(res);
    res.json({ mail: await deps.mailer.view() });
  });
  router.put('/admin/mail', async (req, res) => {
    const admin = requireAdmin(res);
    const body = parseBody(MailSettingsBody, req.body);
    const before = await deps.store.mailSettings();
    await deps.store.putMailSettings({ ...body, password: body.password ?? before?.password ?? '' });
    deps.log.info({ admin: admin.id, host: body.host, port: body.port }, 'mail settings changed');
    res.json({ mail: await deps.mailer.view() });
  });
  return router;
}
