import { Router, type Response } from 'express';
import { CommandError, ErrorCode } from '../../shared/errors.js';
import { canHost } from '../../shared/roles.js';
import { EditTownHall, ScheduleTownHall } from '../../shared/townhall.js';
import type { SessionUser } from '../core/types.js';
import { idParam, parseBody } from '../http/errors.js';
import { sessionOf } from '../http/session.js';
import type { TownHallService } from './service.js';

const officer = (res: Response): SessionUser => {
  const user = sessionOf(res);
  if (!user) throw new CommandError(ErrorCode.UNAUTHENTICATED, 'Sign in first.');
  if (!canHost(user.role)) throw new CommandError(ErrorCode.FORBIDDEN, 'Only officers schedule town halls.');
  return user;
};

/** Reading town halls needs no session; scheduling and editing are for officers and their hosts. */
export function townHallRoutes(townHalls: TownHallService): Router {
  const router = Router();
  router.get('/townhalls', async (_req, res) => {
    res.json({ townHalls: await townHalls.list() });
  });
  // Before '/townhalls/:id', which would otherwise take 'hosts' for an id.
  router.get('/townhalls/hosts', async (_req, res) => {
    officer(res);
    res.json({ hosts: await townHalls.hostCandidates() });
  });
  router.get('/townhalls/:id', async (req, res) => {
    res.json({ townHall: await townHalls.require(idParam(req.params.id, 'town hall')) });
  });
  router.post('/townhalls', async (req, res) => {
    const by = officer(res);
    res.status(201).json({ townHall: await townHalls.schedule(parseBody(ScheduleTownHall, req.body), by) });
  });
  router.patch('/townhalls/:id', async (req, res) => {
    const by = officer(res);
    const id = idParam(req.params.id, 'town hall');
    res.json({ townHall: await townHalls.edit(id, parseBody(EditTownHall, req.body), by) });
  });
  return router;
}
