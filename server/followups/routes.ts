import { Router, type Response } from 'express';
import { z } from 'zod';
import { CommandError, ErrorCode } from '../../shared/errors.js';
import { AnswerFollowUp, AssignFollowUp, CloseFollowUp, FollowUpQuery, ReferFollowUp } from '../../shared/followups.js';
import { isStaff } from '../../shared/roles.js';
import type { SessionUser } from '../core/types.js';
import { idParam, parseBody } from '../http/errors.js';
import { sessionOf } from '../http/session.js';
import type { FollowUpStep } from './rules.js';
import type { FollowUpService } from './service.js';

const signedIn = (res: Response): SessionUser => {
  const user = sessionOf(res);
  if (!user) throw new CommandError(ErrorCode.UNAUTHENTICATED, 'Sign in first.');
  return user;
};

/**
 * The follow-up queue over HTTP (docs/protocol.md, "Follow-ups"). Anyone reads a town hall's
 * follow-ups; officers and admins read their worklist and act; the service decides who may do
 * what. The app checks the origin of every POST.
 */
export function followUpRoutes(followUps: FollowUpService): Router {
  const router = Router();
  // Staff signed in see assignees; everyone else the public view.
  router.get('/townhalls/:id/followups', async (req, res) => {
    const id = idParam(req.params.id, 'town hall');
    const user = sessionOf(res);
    const list = user && (user.role === 'officer' || user.role === 'admin') ? await followUps.staffForTownHall(id, user) : await followUps.publicForTownHall(id);
    res.json({ followUps: list });
  });
  router.get('/followups', async (req, res) => {
    const user = signedIn(res);
    if (!isStaff(user.role)) throw new CommandError(ErrorCode.FORBIDDEN, 'Only officers work follow-ups.');
    const query = parseBody(FollowUpQuery, { scope: req.query.scope, status: req.query.status });
    res.json({ followUps: await followUps.worklist(query.scope, query.status, user) });
  });
  const steps: Record<string, (body: unknown) => FollowUpStep> = {
    assign: (body) => ({ kind: 'assign', ...parseBody(AssignFollowUp, body) }),
    take: (body) => (parseBody(TakeBody, body), { kind: 'take' }),
    answer: (body) => ({ kind: 'answer', ...parseBody(AnswerFollowUp, body) }),
    refer: (body) => ({ kind: 'refer', ...parseBody(ReferFollowUp, body) }),
    close: (body) => ({ kind: 'close', ...parseBody(CloseFollowUp, body) }),
  };
  for (const [action, step] of Object.entries(steps)) {
    router.post(`/followups/:questionId/${action}`, async (req, res) => {
      const user = signedIn(res);
      const questionId = idParam(req.params.questionId, 'follow-up');
      res.json({ followUp: await followUps.act(questionId, step(req.body), user) });
    });
  }
  return router;
}

/** Taking names nothing but the taker: an empty body. */
const TakeBody = z.strictObject({});
