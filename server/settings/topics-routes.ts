import { Router, type Response } from 'express';
import { CommandError, ErrorCode } from '../../shared/errors.js';
import { EditTopic, NewTopic } from '../../shared/topics.js';
import { canManageStaff } from '../../shared/roles.js';
import type { Logger } from '../core/log.js';
import { idParam, parseBody } from '../http/errors.js';
import { sessionOf } from '../http/session.js';
import type { TopicService } from './topics.js';

/**
 * Everyone may read the topics (the question form offers them); admins add, rename and retire
 * them. The app checks the origin of every write. `onChange` hears of every change (the
 * published records print topic names).
 */
export function topicRoutes(topics: TopicService, log: Logger, onChange: () => void = () => {}): Router {
  const router = Router();
  const requireAdmin = (res: Response) => {
    const user = sessionOf(res);
    if (!user) throw new CommandError(ErrorCode.UNAUTHENTICATED, 'Sign in first.');
    if (!canManageStaff(user.role)) throw new CommandError(ErrorCode.FORBIDDEN, 'Only an admin can change topics.');
    return user;
  };
  router.get('/topics', async (_req, res) => {
    res.json({ topics: await topics.list() });
  });
  router.post('/admin/topics', async (req, res) => {
    const admin = requireAdmin(res);
    const topic = await topics.add(parseBody(NewTopic, req.body));
    onChange();
    log.info({ admin: admin.id, topic: topic.id }, 'topic added');
    res.status(201).json({ topic });
  });
  router.patch('/admin/topics/:id', async (req, res) => {
    const admin = requireAdmin(res);
    const topic = await topics.update(idParam(req.params.id, 'topic'), parseBody(EditTopic, req.body));
    onChange();
    log.info({ admin: admin.id, topic: topic.id, retired: topic.retired }, 'topic changed');
    res.json({ topic });
  });
  return router;
}
