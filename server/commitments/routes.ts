import { Router, type Response } from 'express';
import { CommitmentFilter } from '../../shared/commitments.js';
import { CommandError, ErrorCode } from '../../shared/errors.js';
import { CommitmentUpdateBody, NewCommitment } from '../../shared/followups.js';
import type { Logger } from '../core/log.js';
import { idParam, parseBody } from '../http/errors.js';
import { sessionOf } from '../http/session.js';
import type { CommitmentService } from './service.js';

/**
 * Everyone may read the commitments; officers and admins record them and post dated updates
 * (who exactly is the service's call). The app checks the origin of every write.
 */
export function commitmentRoutes(commitments: CommitmentService, log: Logger): Router {
  const router = Router();
  // Residents, moderators and captioners are refused before their body is read.
  const requireOfficer = (res: Response) => {
    const user = sessionOf(res);
    if (!user) throw new CommandError(ErrorCode.UNAUTHENTICATED, 'Sign in first.');
    if (user.role !== 'officer' && user.role !== 'admin') throw new CommandError(ErrorCode.FORBIDDEN, 'Only officers and admins do that.');
    return user;
  };
  router.get('/commitments', async (req, res) => {
    // Only the filters named in the query count; an unknown one is refused rather than ignored.
    res.json(await commitments.list(parseBody(CommitmentFilter, req.query)));
  });
  router.get('/commitments/:id', async (req, res) => {
    res.json({ commitment: await commitments.get(idParam(req.params.id, 'commitment')) });
  });
  router.post('/commitments', async (req, res) => {
    const user = requireOfficer(res);
    const commitment = await commitments.create(parseBody(NewCommitment, req.body), user);
    log.info({ by: user.id, commitment: commitment.id }, 'commitment recorded');
    res.status(201).json({ commitment });
  });
  router.post('/commitments/:id/updates', async (req, res) => {
    const user = requireOfficer(res);
    const id = idParam(req.params.id, 'commitment');
    const commitment = await commitments.update(id, parseBody(CommitmentUpdateBody, req.body), user);
    log.info({ by: user.id, commitment: id, status: commitment.status }, 'commitment updated');
    res.status(201).json({ commitment });
  });
  return router;
}
