import { Router, type Response } from 'express';
import type { z } from 'zod';
import { CommandError, ErrorCode } from '../../shared/errors.js';
import { EditUnit, NewUnit } from '../../shared/followups.js';
import { canManageStaff } from '../../shared/roles.js';
import { EditTopic, NewTopic } from '../../shared/topics.js';
import type { Logger } from '../core/log.js';
import { idParam, parseBody } from '../http/errors.js';
import { sessionOf } from '../http/session.js';
import type { NamedList } from './named-list-store.js';
import type { NamedListService } from './named-list.js';

interface ListRoutes {
  /** The item in responses and logs: `{ topic }`, `{ unit }`. */
  noun: string;
  add: z.ZodType<{ en: string; es?: string | undefined }>;
  edit: z.ZodType<{ en?: string | undefined; es?: string | undefined; retired?: boolean | undefined }>;
}

const LISTS: Record<NamedList, ListRoutes> = {
  topics: { noun: 'topic', add: NewTopic, edit: EditTopic },
  units: { noun: 'unit', add: NewUnit, edit: EditUnit },
};

/**
 * Everyone may read a list (`GET /api/topics`: the question form offers them; `GET /api/units`:
 * the record names them); admins add, rename and retire items (`POST /api/admin/<list>`, `PATCH
 * /api/admin/<list>/:id`). The app checks the origin of every write. `onChange` hears of every
 * change (the published records print these names).
 */
export function namedListRoutes(list: NamedList, service: NamedListService, log: Logger, onChange: () => void = () => {}): Router {
  const { noun, add, edit } = LISTS[list];
  const router = Router();
  const requireAdmin = (res: Response) => {
    const user = sessionOf(res);
    if (!user) throw new CommandError(ErrorCode.UNAUTHENTICATED, 'Sign in first.');
    if (!canManageStaff(user.role)) throw new CommandError(ErrorCode.FORBIDDEN, `Only an admin can change ${list}.`);
    return user;
  };
  router.get(`/${list}`, async (_req, res) => {
    res.json({ [list]: await service.list() });
  });
  router.post(`/admin/${list}`, async (req, res) => {
    const admin = requireAdmin(res);
    const item = await service.add(parseBody(add, req.body));
    onChange();
    log.info({ admin: admin.id, [noun]: item.id }, `${noun} added`);
    res.status(201).json({ [noun]: item });
  });
  router.patch(`/admin/${list}/:id`, async (req, res) => {
    const admin = requireAdmin(res);
    const item = await service.update(idParam(req.params.id, noun), parseBody(edit, req.body));
    onChange();
    log.info({ admin: admin.id, [noun]: item.id, retired: item.retired }, `${noun} changed`);
    res.json({ [noun]: item });
  });
  return router;
}
