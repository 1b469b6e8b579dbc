// The hall's short link, `/h/<code>`: what the presenter screen's QR code opens and what people
// in the hall type. It finds the live town hall whose current (or previous) code this is and
// sends the browser on to `/townhall/<id>?hall=<code>`, where joining with the code works as
// before (docs/protocol.md §10). A code is never stored: the live town halls' codes are derived
// again, so every node answers alike.
import { Router, type Request } from 'express';
import { CommandError, ErrorCode } from '../../shared/errors.js';
import type { RateLimits, RateRule } from '../core/rate-limit.js';
import type { HallService } from './hall.js';
import type { TownHallService } from './service.js';

/** A code that finds nothing is a guess: as few per network as joining with a wrong code allows. */
const GUESS: RateRule = { name: 'townhall:hall-link-guess', points: 20, seconds: 600 };
const CODE = /^[ABCDEFGHJKMNPQRSTUVWXYZ2-9]{6}$/;

export interface HallLinkDeps {
  townHalls: TownHallService;
  halls: Pick<HallService, 'accepts'>;
  limits: RateLimits;
  networkKey(req: Request): string;
}

export function hallLinkRoutes(deps: HallLinkDeps): Router {
  const router = Router();
  router.get('/h/:code', async (req, res) => {
    const network = deps.networkKey(req);
    // A network that spent its guesses learns nothing more, right or wrong, until they come back.
    if ((await deps.limits.count(GUESS, network)) >= GUESS.points) {
      const outcome = await deps.limits.consume(GUESS, network);
      throw new CommandError(ErrorCode.RATE_LIMITED, 'Too many hall codes tried; try again later.', {
        retryAfterMs: outcome.ok ? GUESS.seconds * 1000 : outcome.retryAfterMs,
      });
    }
    const code = String(req.params.code).toUpperCase();
    if (CODE.test(code)) {
      for (const townHall of await deps.townHalls.list()) {
        if (townHall.status === 'live' && (await deps.halls.accepts(townHall.id, code))) {
          res.setHeader('Cache-Control', 'no-store');
          return res.redirect(302, `/townhall/${encodeURIComponent(townHall.id)}?hall=${code}`);
        }
      }
    }
    await deps.limits.consume(GUESS, network);
    // An expired or mistyped code still leads somewhere useful: the list of town halls.
    res.setHeader('Cache-Control', 'no-store');
    res.redirect(302, '/');
  });
  return router;
}
