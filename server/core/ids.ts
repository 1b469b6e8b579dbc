import { randomBytes } from 'node:crypto';

/** A new opaque id: 16 url-safe characters (96 random bits), matching shared/ids.ts. */
export const newId = (): string => randomBytes(12).toString('base64url');
