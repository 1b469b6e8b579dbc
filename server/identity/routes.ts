import { Router, type Request, type Response, type NextFunction } from 'express';
import { CommandError, ErrorCode } from '../../shared/errors.js';
import { canManageStaff } from '../../shared/roles.js';
import { CreateStaffBody, GuestJoinBody, LoginBody, RegisterBody } from '../../shared/session.js';
import type { RateLimits, RateRule } from '../core/rate-limit.js';
import type { SessionUser } from '../core/types.js';
import { networkKeyer } from '../http/address.js';
import { parseBody } from '../http/errors.js';
import { sessionTtlMs, toMe, toStaffMember, type IdentityService } from './service.js';
import { readCookie, SESSION_COOKIE, signSession, verifySession } from './tokens.js';
import type { IdentityChallenges } from './challenge.js';
import type { UserRecord } from './store.js';

/** The part of the town halls' hall service that joining needs (kept narrow: identity does not depend on town halls). */
export interface HallAdmission {
  accepts(townHallId: string, code: string): Promise<boolean>;
  admit(townHallId: string, code: string, userId: string): Promise<void>;
}

const LOGIN_RULE: RateRule = { name: 'login', points: 10, seconds: 300 };
// Every login attempt costs an argon2 verification, so the address alone has a budget too.
const LOGIN_ADDRESS_RULE: RateRule = { name: 'login-address', points: 60, seconds: 300 };
// Generous per network: a whole room of residents may share one community-centre Wi-Fi. Past the
// first few, each identity also costs the browser proof of work (./challenge.ts).
const JOIN_RULE: RateRule = { name: 'guest-join', points: 600, seconds: 3600 };
// Joining with the hall's code skips the work; a wrong code is a guess, and guesses are few.
const HALL_GUESS_RULE: RateRule = { name: 'hall-guess', points: 20, seconds: 600 };
const HALL_JOIN_RULE: RateRule = { name: 'hall-join', points: 2000, seconds: 3600 };

export interface IdentityRouteDeps {
  identity: IdentityService;
  limits: RateLimits;
  secret: string;
  secureCookies: boolean;
  /** What a new identity costs its network. */
  challenges: IdentityChallenges;
  /** Admits people who join with a hall's code. */
  halls: HallAdmission;
  /** Called on sign-out so that the person's open connections end with the session. */
  onSignOut(userId: string): void;
}

/** The signed-in person for this request, if any (set by `sessionMiddleware`). */
export const sessionOf = (res: Response): SessionUser | null => (res.locals.user as SessionUser | undefined) ?? null;

export function sessionMiddleware(identity: IdentityService, secret: string) {
  return async (req: Request, res: Response, next: NextFunction) => {
    const id = verifySession(secret, readCookie(req.headers.cookie, SESSION_COOKIE));
    res.locals.user = id ? await identity.sessionUser(id) : null;
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
  const { identity, limits, secret } = deps;
  const addressKey = addressKeyer(secret);
  const router = Router();

  const limit = async (rule: RateRule, key: string) => {
    const outcome = await limits.consume(rule, key);
    if (!outcome.ok) {
      throw new CommandError(ErrorCode.RATE_LIMITED, 'Too many attempts; try again later.', {
        retryAfterMs: outcome.retryAfterMs,
      });
    }
  };
  const startSession = (res: Response, user: UserRecord) => {
    const ttl = sessionTtlMs(user.role);
    res.cookie(SESSION_COOKIE, signSession(secret, user.id, ttl), {
      httpOnly: true,
      sameSite: 'lax',
      secure: deps.secureCookies,
      path: '/',
      maxAge: ttl,
    });
    res.json({ me: toMe(user) });
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
        await limit(HALL_GUESS_RULE, network);
        throw new CommandError(ErrorCode.FORBIDDEN, 'That hall code is not valid or has expired. Ask for the code on the screen.', { fields: ['hall'] });
      }
      await limit(HALL_JOIN_RULE, network);
      const user = await identity.joinAsGuest(body.displayName);
      await deps.halls.admit(townHallId, code, user.id);
      return startSession(res, user);
    }
    await limit(JOIN_RULE, network);
    await deps.challenges.admit(network, body.proof);
    const user = await identity.joinAsGuest(body.displayName);
    await deps.challenges.made(network);
    startSession(res, user);
  });

  router.post('/session/login', async (req, res) => {
    const body = parseBody(LoginBody, req.body);
    await limit(LOGIN_ADDRESS_RULE, addressKey(req));
    await limit(LOGIN_RULE, `${addressKey(req)}:${body.username}`);
    const user = await identity.login(body.username, body.password);
    if (!user) throw new CommandError(ErrorCode.UNAUTHENTICATED, 'Wrong username or password.');
    startSession(res, user);
  });

  router.post('/session/register', async (req, res) => {
    const body = parseBody(RegisterBody, req.body);
    const network = addressKey(req);
    await limit(JOIN_RULE, network);
    await deps.challenges.admit(network, body.proof);
    const user = await identity.register(body);
    await deps.challenges.made(network);
    startSession(res, user);
  });

  router.post('/session/logout', (_req, res) => {
    const user = sessionOf(res);
    if (user) deps.onSignOut(user.id);
    res.clearCookie(SESSION_COOKIE, { path: '/' });
    res.json({});
  });

  router.get('/staff', async (_req, res) => {
    requireStaffManager(res);
    res.json({ staff: await identity.listStaff() });
  });

  router.post('/staff', async (req, res) => {
    requireStaffManager(res);
    const body = parseBody(CreateStaffBody, req.body);
    const user = await identity.createStaff(body);
    res.status(201).json({ staff: toStaffMember(user) });
  });

  return router;
}

function requireStaffManager(res: Response) {
  const user = sessionOf(res);
  if (!user) throw new CommandError(ErrorCode.UNAUTHENTICATED, 'Sign in first.');
  if (!canManageStaff(user.role)) throw new CommandError(ErrorCode.FORBIDDEN, 'Only an admin can manage staff.');
}
