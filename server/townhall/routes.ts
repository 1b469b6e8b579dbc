import { Router } from 'express';
import { Id } from '../../shared/ids.js';
import { CommandError, ErrorCode } from '../../shared/errors.js';
import type { TownHallService } from './service.js';

export function townHallRoutes(townHalls: TownHallService): Router {
  const router = Router();
  router.get('/townhalls', async (_req, res) => {
    res.json({ townHalls: await townHalls.list() });
  });
  router.get('/townhalls/:id', async (req, res) => {
    const id = Id.safeParse(req.params.id);
    if (!id.success) throw new CommandError(ErrorCode.NOT_FOUND, 'No such town hall.');
    res.json({ townHall: await townHalls.require(id.data) });
  });
  return router;
}
