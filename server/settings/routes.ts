import { Router, type Response } from 'express';
import { CommandError, ErrorCode } from '../../shared/errors.js';
import { Settings } from '../../shared/record.js';
import { canManageStaff } from '../../shared/roles.js';
import type { Logger } from '../core/log.js';
import { parseBody } from '../http/errors.js';
import { sessionOf } from '../http/session.js';
import type { SettingsStore } from './store.js';

/**
 * Admins read and change the site's settings; the app checks the origin of every PUT.
 * `onChange` hears of every change (the published records depend on the settings).
 */
export function settingsRoutes(settings: SettingsStore, log: Logger, onChange: () => void = () => {}): Router {
  const router = Router();
  const requireAdmin = (res: Response) => {
    const user = sessionOf(res);
    if (!user) throw new CommandError(ErrorCode.UNAUTHENTICATED, 'Sign in first.');
    if (!canManageStaff(user.role)) throw new CommandError(ErrorCode.FORBIDDEN, 'Only an admin can change settings.');
    return user;
  };
  // The department's own public numbers and addresses, for anyone's browser to screen with
  // exactly as the server does.
  router.get('/settings/allowed-personal-info', async (_req, res) => {
    res.json({ allowed: (await settings.get()).allowedPersonalInfo });
  });
  router.get('/admin/settings', async (_req, res) => {
    requireAdmin(res);
    res.json({ settings: await settings.get() });
  });
  router.put('/admin/settings', async (req, res) => {
    const admin = requireAdmin(res);
    const saved = await settings.put(parseBody(Settings, req.body));
    onChange();
    log.info(
      {
        admin: admin.id,
        ...saved.publish,
        guestNameRetentionDays: saved.guestNameRetentionDays,
        allowedPersonalInfo: saved.allowedPersonalInfo.length,
        backchannelRetentionDays: saved.backchannelRetentionDays,
      },
      'settings changed',
    );
    res.json({ settings: saved });
  });
  return router;
}
