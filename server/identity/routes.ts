import { Router, type Request, type Response, type NextFunction } from 'express';
import { CommandError, ErrorCode } from '../../shared/errors.js';
import { GuestJoinBody, LoginBody, RegisterBody } from '../../shared/session.js';
import type { Logger } from '../core/log.js';
import type { RateLimits, RateRule } from '../core/rate-limit.js';
import { networkKeyer } from '../http/address.js';
import { parseBody } from '../http/errors.js';
import { sessionOf } from '../http/session.js';
import { loginLog } from './login-log.js';
import { toMe, type IdentityService } from './service.js';
import type { Sessions } from './sessions.js';
import type { IdentityChallenges } from './challenge.js';
import type { UserRecord } from './store.js';

/** The part of the town halls' hall service that joining needs (kept narrow: identity does not depend on town halls). */
export interface HallAdmission {
  accepts(townHallId: string, code: string): Promise<boolean>;
  enter(townHallId: string, userId: string): Promise<void>;
}

const RATES = {
  signIn: { name: 'identity:sign-in', points: 10, seconds: 300 },
  /** Every sign-in attempt costs an argon2 verification, so the address alone has a budget too. */
  signInFromAddress: { name: 'identity:sign-in-from-address', points: 60, seconds: 300 },
  /**
   * Generous per network: a whole room of residents may share one community-centre Wi-Fi. Past
   * the first few, each identity also costs the browser proof of work (./challenge.ts).
   */
  joinAsGuest: { name: 'identity:join-as-guest', points: 600, seconds: 3600 },
  /** Joining with the hall's code skips the work; a wrong code is a guess, and guesses are few. */
  guessHallCode: { name: 'identity:guess-hall-code', points: 20, seconds: 600 },
  /**
   * A hall code skips the work and the vote cap, so a code that leaks beyond the hall is worth
   * most to someone with a script: one network joins with codes at most 400 times an hour, room
   * for a hall of 150 with a second device each, and no more.
   */
  joinHall: { name: 'identity:join-hall', points: 400, seconds: 3600 },
} satisfies Record<string, RateRule>;

export interface IdentityRouteDeps {
  identity: IdentityService;
  limits: RateLimits;
  secret: string;
  sessions: Sessions;
  log: Logger;
  /** What a new identity costs its network. */
  challenges: IdentityChallenges;
  /** Admits people who join with a hall's code. */
  halls: HallAdmission;
}

/** The id of this request's live session, if any (set by `sessionMiddleware`). */
const sessionIdOf = (res: Response): string | null => (res.locals.sessionId as string | undefined) ?? null;

/** Reads the session store on every request, so an ended session is refused at once on every node. */
export function sessionMiddleware(sessions: Sessions) {
  return async (req: Request, res: Response, next: NextFunction) => {
    const live = await sessions.fromCookieHeader(req.headers.cookie);
    res.locals.user = live?.user ?? null;
    res.locals.sessionId = live?.id ?? null;
    next();
  };
}

// Rate-limit keys for requests without a session are a keyed hash of the client's network
// (an IPv6 /64 counts as one): see http/address.ts.
const addressKeyer = (secret: string) => {
  const key = networkKeyer(secret);
  return (req: Request) => key(req.ip ?? '');
};

export function identityRoutes(deps: IdentityRouteDeps): Router {
  const { identity, limits, secret, sessions } = deps;
  const addressKey = addressKeyer(secret);
  const logins = loginLog(deps.log, secret);
  const router = Router();

  const limit = async (rule: RateRule, key: string) => {
    const outcome = await limits.consume(rule, key);
    if (!outcome.ok) {
      throw new CommandError(ErrorCode.RATE_LIMITED, 'Too many attempts; try again later.', {
        retryAfterMs: outcome.retryAfterMs,
      });
    }
  };
  const startSession = async (res: Response, user: UserRecord) => {
    const { token, ttlMs } = await sessions.open(user);
    res.cookie(sessions.cookie.name, token, { ...sessions.cookie.options, maxAge: ttlMs });
    res.json({ me: toMe(user) });
  };
  const clearSession = (res: Response) => {
    res.clearCookie(sessions.cookie.name, sessions.cookie.options);
    res.json({});
  };

  router.get('/session', async (_req, res) => {
    const user = sessionOf(res);
    res.json({ me: user ? await identity.me(user.id) : null });
  });

  router.post('/session/guest', async (req, res) => {
    const body = parseBody(GuestJoinBody, req.body);
    const network = addressKey(req);
    if (body.hall) {
      const { townHallId, code } = body.hall;
      if (!(await deps.halls.accepts(townHallId, code))) {
        await limit(RATES.guessHallCode, network);
        throw new CommandError(ErrorCode.FORBIDDEN, 'That hall code is not valid or has expired. Ask for the code on the screen.', { fields: ['hall'] });
      }
      await limit(RATES.joinHall, network);
      const user = await identity.joinAsGuest(body.displayName);
      await deps.halls.enter(townHallId, user.id);
      await deps.challenges.madeWithHallCode(network);
      await startSession(res, user);
      return;
    }
    await limit(RATES.joinAsGuest, network);
    await deps.challenges.admit(network, body.proof);
    const user = await identity.joinAsGuest(body.displayName);
    await deps.challenges.made(network);
    await startSession(res, user);
  });

  router.post('/session/login', async (req, res) => {
    const body = parseBody(LoginBody, req.body);
    await limit(RATES.signInFromAddress, addressKey(req));
    await limit(RATES.signIn, `${addressKey(req)}:${body.username}`);
    const user = await identity.login(body.username, body.password);
    if (!user) {
      logins.failed(body.username, 'credentials');
      throw new CommandError(ErrorCode.UNAUTHENTICATED, 'Wrong username or password.');
    }
    // Said only after the right password, so it tells a stranger nothing about the account.
    if (user.disabled) {
      logins.failed(body.username, 'disabled');
      throw new CommandError(ErrorCode.FORBIDDEN, 'This account is disabled.');
    }
    logins.succeeded(body.username, user);
    await startSession(res, user);
  });

  router.post('/session/register', async (req, res) => {
    const body = parseBody(RegisterBody, req.body);
    const network = addressKey(req);
    await limit(RATES.joinAsGuest, network);
    await deps.challenges.admit(network, body.proof);
    const user = await identity.register(body);
    await deps.challenges.made(network);
    await startSession(res, user);
  });

  // Ends this session on the server (a copy of the cookie stops working too) and its sockets.
  router.post('/session/logout', async (_req, res) => {
    const sessionId = sessionIdOf(res);
    if (sessionId) await sessions.end(sessionId);
    clearSession(res);
  });

  // "Sign out everywhere": every session of this person, on every device, and all their sockets.
  router.post('/session/logout-all', async (_req, res) => {
    const user = sessionOf(res);
    if (!user) throw new CommandError(ErrorCode.UNAUTHENTICATED, 'Sign in first.');
    await sessions.endAll(user.id);
    clearSession(res);
  });

  return router;
}
