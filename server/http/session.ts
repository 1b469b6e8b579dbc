import type { Response } from 'express';
import type { SessionUser } from '../core/types.js';

/**
 * The signed-in person for this request, if any. Identity's session middleware puts them on the
 * response; every feature's routes read them here, without depending on identity's routes.
 */
export const sessionOf = (res: Response): SessionUser | null => (res.locals.user as SessionUser | undefined) ?? null;
