import { Router, type Response } from 'express';
import { CommandError, ErrorCode } from '../../shared/errors.js';
import { canHost, canManageStaff } from '../../shared/roles.js';
import { StaffUnitBody, type Assignee } from '../../shared/followups.js';
import { CreateStaffBody, ResetPasswordBody } from '../../shared/session.js';
import type { Logger } from '../core/log.js';
import type { SessionUser } from '../core/types.js';
import { idParam, parseBody } from '../http/errors.js';
import { sessionOf } from '../http/session.js';
import { toStaffMember, type IdentityService } from './service.js';
import type { Sessions } from './sessions.js';

export interface StaffRouteDeps {
  identity: IdentityService;
  sessions: Sessions;
  log: Logger;
  /** The department's units (settings' unit service): a staff account may be put only in a usable one. */
  units: { requireUsable(id: string): Promise<unknown> };
}

/**
 * Staff account management, for admins only: list, create, disable or enable, reset a password,
 * put in a unit. And one list for officers: who a follow-up may be assigned to.
 */
export function staffRoutes({ identity, sessions, log, units }: StaffRouteDeps): Router {
  const router = Router();

  router.get('/staff', async (_req, res) => {
    requireStaffManager(res);
    res.json({ staff: await identity.listStaff() });
  });

  // The hosts who assign follow-ups are officers, not admins: they get the assignable accounts
  // (enabled officers and admins) with only their public name and unit, never a username.
  router.get('/officers', async (_req, res) => {
    const user = sessionOf(res);
    if (!user) throw new CommandError(ErrorCode.UNAUTHENTICATED, 'Sign in first.');
    if (!canHost(user.role)) throw new CommandError(ErrorCode.FORBIDDEN, 'Only officers and admins assign follow-ups.');
    const officers: Assignee[] = (await identity.listStaff())
      .filter((s) => canHost(s.role) && !s.disabled)
      .map((s) => ({ id: s.id, displayName: s.displayName, unitId: s.unitId }));
    res.json({ officers });
  });

  router.post('/staff', async (req, res) => {
    requireStaffManager(res);
    const body = parseBody(CreateStaffBody, req.body);
    const user = await identity.createStaff(body);
    res.status(201).json({ staff: toStaffMember(user) });
  });

  // Disabling ends every session the account holds, so it is out on every node at once.
  for (const [action, disabled] of [['disable', true], ['enable', false]] as const) {
    router.post(`/staff/:id/${action}`, async (req, res) => {
      const admin = requireStaffManager(res);
      const id = idParam(req.params.id, 'staff member');
      const staff = await identity.setStaffDisabled(id, disabled, admin.id);
      if (disabled) await sessions.endAll(id);
      log.info({ admin: admin.id, staff: id, disabled }, 'staff account changed');
      res.json({ staff });
    });
  }

  // A reset password (say, after a leak) also ends every session opened with the old one.
  router.post('/staff/:id/password', async (req, res) => {
    const admin = requireStaffManager(res);
    const id = idParam(req.params.id, 'staff member');
    const body = parseBody(ResetPasswordBody, req.body);
    const staff = await identity.resetStaffPassword(id, body.password);
    await sessions.endAll(id);
    log.info({ admin: admin.id, staff: id }, 'staff password reset');
    res.json({ staff });
  });

  // An admin puts an account in a unit, or in none; a retired or unknown unit is NOT_FOUND.
  router.put('/staff/:id/unit', async (req, res) => {
    const admin = requireStaffManager(res);
    const id = idParam(req.params.id, 'staff member');
    const { unitId } = parseBody(StaffUnitBody, req.body);
    if (unitId !== null) await units.requireUsable(unitId);
    const staff = await identity.setStaffUnit(id, unitId);
    log.info({ admin: admin.id, staff: id, unit: unitId }, 'staff unit changed');
    res.json({ staff });
  });

  return router;
}

function requireStaffManager(res: Response): SessionUser {
  const user = sessionOf(res);
  if (!user) throw new CommandError(ErrorCode.UNAUTHENTICATED, 'Sign in first.');
  if (!canManageStaff(user.role)) throw new CommandError(ErrorCode.FORBIDDEN, 'Only an admin can manage staff.');
  return user;
}
