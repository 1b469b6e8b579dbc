import { Router, type NextFunction, type Request, type Response } from 'express';
import { defaultPeriod, PeriodQuery, type Period } from '../../shared/accountability.js';
import { CommandError, ErrorCode } from '../../shared/errors.js';
import type { RateLimits, RateRule } from '../core/rate-limit.js';
import { idParam, parseBody } from '../http/errors.js';
import { accountabilityToCsv, accountabilityToJson } from './export.js';
import type { FeedSite } from './feeds.js';
import type { AccountabilityService } from './service.js';

/** Reads per network: as generous as the record's (newsrooms, portals and feed readers behind one address). */
export const RATES = {
  read: { name: 'accountability:read', points: 120, seconds: 60 },
} satisfies Record<string, RateRule>;

export interface AccountabilityRouteDeps {
  accountability: AccountabilityService;
  limits: RateLimits;
  networkKey(req: Request): string;
  /** The site's public address, for the feeds' absolute ids and links; the request's own when unset. */
  publicUrl?: string;
}

function rateLimit(deps: AccountabilityRouteDeps) {
  return async (req: Request, _res: Response, next: NextFunction) => {
    const outcome = await deps.limits.consume(RATES.read, deps.networkKey(req));
    if (!outcome.ok) {
      throw new CommandError(ErrorCode.RATE_LIMITED, 'Too many requests; try again shortly.', { retryAfterMs: outcome.retryAfterMs });
    }
    next();
  };
}

/** The versioned public API (docs/public-api.md), mounted under /api: GET /api/v1/accountability and its downloads. */
export function accountabilityRoutes(deps: AccountabilityRouteDeps): Router {
  const { accountability } = deps;
  const router = Router();
  const limit = rateLimit(deps);
  const periodOf = (req: Request): Period => {
    const query = parseBody(PeriodQuery, { from: req.query.from, to: req.query.to });
    return defaultPeriod(query, accountability.thisMonth());
  };
  // The figures change as officers work, but a minute late is fine for a public report.
  const cacheable = (res: Response) => res.setHeader('Cache-Control', 'public, max-age=60');
  const fileName = (p: Period, ext: string) => `roundtable-accountability-${p.from}-to-${p.to}.${ext}`;

  router.get('/v1/accountability', limit, async (req, res) => {
    const report = await accountability.report(periodOf(req));
    cacheable(res);
    res.json(report);
  });
  router.get('/v1/accountability.csv', limit, async (req, res) => {
    const period = periodOf(req);
    const report = await accountability.report(period);
    cacheable(res);
    res.type('text/csv').attachment(fileName(period, 'csv')).send(accountabilityToCsv(report));
  });
  router.get('/v1/accountability.json', limit, async (req, res) => {
    const period = periodOf(req);
    const report = await accountability.report(period);
    cacheable(res);
    res.type('application/json').attachment(fileName(period, 'json')).send(accountabilityToJson(report));
  });
  return router;
}

/** The Atom feeds, at the site's top level (beside the pages they follow), before the client answers every path. */
export function feedRoutes(deps: AccountabilityRouteDeps): Router {
  const { accountability } = deps;
  const router = Router();
  const limit = rateLimit(deps);
  const site = (req: Request): FeedSite => ({
    baseUrl: (deps.publicUrl ?? `${req.protocol}://${req.get('host') ?? 'localhost'}`).replace(/\/$/, ''),
    siteName: 'Roundtable',
    locale: req.query.lang === 'es' ? 'es' : 'en',
  });
  const atom = (res: Response, xml: string) => {
    res.setHeader('Cache-Control', 'public, max-age=60');
    res.type('application/atom+xml; charset=utf-8').send(xml);
  };
  router.get('/townhalls/:id/feed.atom', limit, async (req, res) => {
    atom(res, await accountability.townHallFeed(idParam(req.params.id, 'town hall'), site(req)));
  });
  router.get('/commitments/feed.atom', limit, async (req, res) => {
    atom(res, await accountability.commitmentsFeed(site(req)));
  });
  return router;
}
