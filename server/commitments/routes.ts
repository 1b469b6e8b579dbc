import { Router, type NextFunction, type Request, type Response } from 'express';
import { CommitmentFilter } from '../../shared/commitments.js';
import { CommandError, ErrorCode } from '../../shared/errors.js';
import { CommitmentUpdateBody, NewCommitment } from '../../shared/followups.js';
import type { Logger } from '../core/log.js';
import type { RateLimits, RateRule } from '../core/rate-limit.js';
import { idParam, parseBody } from '../http/errors.js';
import { sessionOf } from '../http/session.js';
import type { CommitmentService } from './service.js';

export const RATES = {
  /** Per network: a page load is one read; a script hammering the list is refused. */
  read: { name: 'commitments:read', points: 120, seconds: 60 },
  /** Per person: recording and updating are a few a minute at most. */
  write: { name: 'commitments:write', points: 60, seconds: 60 },
} satisfies Record<string, RateRule>;

export interface CommitmentRouteDeps {
  commitments: CommitmentService;
  log: Logger;
  limits: RateLimits;
  /** The rate-limit key of the network a request comes from (see http/address.ts). */
  networkKey(req: Request): string;
}

/**
 * Everyone may read the commitments; officers and admins record them and post dated updates
 * (who exactly is the service's call). The app checks the origin of every write.
 */
export function commitmentRoutes({ commitments, log, limits, networkKey }: CommitmentRouteDeps): Router {
  const router = Router();
  const within = async (rule: RateRule, key: string) => {
    const outcome = await limits.consume(rule, key);
    if (!outcome.ok) throw new CommandError(ErrorCode.RATE_LIMITED, 'Too many requests; try again shortly.', { retryAfterMs: outcome.retryAfterMs });
  };
  const limitReads = async (req: Request, _res: Response, next: NextFunction) => {
    await within(RATES.read, networkKey(req));
    next();
  };
  // Residents, moderators and captioners are refused before their body is read.
  const requireOfficer = async (res: Response) => {
    const user = sessionOf(res);
    if (!user) throw new CommandError(ErrorCode.UNAUTHENTICATED, 'Sign in first.');
    if (user.role !== 'officer' && user.role !== 'admin') throw new CommandError(ErrorCode.FORBIDDEN, 'Only officers and admins do that.');
    await within(RATES.write, user.id);
    return user;
  };
  router.get('/commitments', limitReads, async (req, res) => {
    // Only the filters named in the query count; an unknown one is refused rather than ignored.
    res.json(await commitments.list(parseBody(CommitmentFilter, req.query)));
  });
  router.get('/commitments/:id', limitReads, async (req, res) => {
    res.json({ commitment: await commitments.get(idParam(req.params.id, 'commitment')) });
  });
  router.post('/commitments', async (req, res) => {
    const user = await requireOfficer(res);
    const commitment = await commitments.create(parseBody(NewCommitment, req.body), user);
    log.info({ by: user.id, commitment: commitment.id }, 'commitment recorded');
    res.status(201).json({ commitment });
  });
  router.post('/commitments/:id/updates', async (req, res) => {
    const user = await requireOfficer(res);
    const id = idParam(req.params.id, 'commitment');
    const commitment = await commitments.update(id, parseBody(CommitmentUpdateBody, req.body), user);
    log.info({ by: user.id, commitment: id, status: commitment.status }, 'commitment updated');
    res.status(201).json({ commitment });
  });
  return router;
}
