// The tokens in mailed links. A confirmation token is random and single-use: only its SHA-256
// is stored. An unsubscribe token names the address and is signed with the server secret, so
// every message can carry one without storing it, and it stops working once the address is gone.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const CONFIRM_TTL_MS = 48 * 3600_000;

export const newConfirmToken = (): { token: string; hash: string } => {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashToken(token) };
};

export const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');

const signature = (secret: string, addressId: string) =>
  createHmac('sha256', secret).update(`mail-unsubscribe:${addressId}`).digest('base64url').slice(0, 32);

export const unsubscribeToken = (secret: string, addressId: string): string => `${addressId}.${signature(secret, addressId)}`;

/** The address id an unsubscribe token names, or null when it was not made by this server. */
export function readUnsubscribeToken(secret: string, token: string): string | null {
  const dot = token.lastIndexOf('.');
  if (dot <= 0) return null;
  const id = token.slice(0, dot);
  const given = Buffer.from(token.slice(dot + 1));
  const expected = Buffer.from(signature(secret, id));
  return given.length === expected.length && timingSafeEqual(given, expected) ? id : null;
}
