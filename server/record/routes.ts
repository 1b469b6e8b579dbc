import { Router, type NextFunction, type Request, type Response } from 'express';
import { CommandError, ErrorCode } from '../../shared/errors.js';
import type { RateLimits, RateRule } from '../core/rate-limit.js';
import { idParam } from '../http/errors.js';
import { recordToCsv, recordToJson } from './export.js';
import type { RecordService } from './service.js';

/**
 * Reads of the record per network. Generous: a newsroom or a library behind one address may
 * open many records; a script asking for them as fast as it can is not a reader.
 */
export const RATES = {
  read: { name: 'record:read', points: 120, seconds: 60 },
} satisfies Record<string, RateRule>;

export interface RecordRouteDeps {
  records: RecordService;
  limits: RateLimits;
  /** The rate-limit key of the network a request comes from (see http/address.ts). */
  networkKey(req: Request): string;
}

/** The public record of an ended town hall: read by anyone, no session needed. */
export function recordRoutes(deps: RecordRouteDeps): Router {
  const { records } = deps;
  const router = Router();
  const townHallId = (req: Request): string => idParam(req.params.id, 'town hall');
  const limit = async (req: Request, _res: Response, next: NextFunction) => {
    const outcome = await deps.limits.consume(RATES.read, deps.networkKey(req));
    if (!outcome.ok) {
      throw new CommandError(ErrorCode.RATE_LIMITED, 'Too many requests for records; try again shortly.', { retryAfterMs: outcome.retryAfterMs });
    }
    next();
  };
  router.get('/townhalls/:id/record', limit, async (req, res) => {
    res.json({ record: await records.record(townHallId(req)) });
  });
  router.get('/townhalls/:id/record.csv', limit, async (req, res) => {
    const id = townHallId(req);
    res.type('text/csv').attachment(`roundtable-record-${id}.csv`).send(recordToCsv(await records.record(id)));
  });
  router.get('/townhalls/:id/record.json', limit, async (req, res) => {
    const id = townHallId(req);
    res.type('application/json').attachment(`roundtable-record-${id}.json`).send(recordToJson(await records.record(id)));
  });
  return router;
}
