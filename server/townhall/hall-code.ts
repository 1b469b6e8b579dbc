import { createHmac, timingSafeEqual } from 'node:crypto';

/** A code lasts one window and the next, so one shown just before it turns over still works. */
export const HALL_CODE_WINDOW_MS = 10 * 60_000;
const ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

/**
 * The short code a host shows in the hall: derived from the server secret, the town hall and
 * the time window, so every node agrees on it without storing anything, and it changes by
 * itself. Six characters of 31 make a guess one in 887 million, and guesses are rate-limited.
 */
export function hallCode(secret: string, townHallId: string, window: number): string {
  const digest = createHmac('sha256', secret).update(`hall:${townHallId}:${window}`).digest();
  let code = '';
  for (let i = 0; i < 6; i++) code += ALPHABET[digest[i]! % ALPHABET.length];
  return code;
}

export interface HallCodes {
  /** The code to show now, and when it stops being accepted. */
  current(townHallId: string, now?: number): { code: string; expiresAt: number };
  accepts(townHallId: string, code: string, now?: number): boolean;
}

export function createHallCodes(secret: string): HallCodes {
  const windowOf = (now: number) => Math.floor(now / HALL_CODE_WINDOW_MS);
  const same = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
  return {
    current(townHallId, now = Date.now()) {
      const window = windowOf(now);
      return { code: hallCode(secret, townHallId, window), expiresAt: (window + 2) * HALL_CODE_WINDOW_MS };
    },
    accepts(townHallId, code, now = Date.now()) {
      const window = windowOf(now);
      return same(code, hallCode(secret, townHallId, window)) || same(code, hallCode(secret, townHallId, window - 1));
    },
  };
}
