import { z } from 'zod';

/** Ids are opaque url-safe strings made by the server. */
export const Id = z.string().regex(/^[A-Za-z0-9_-]{4,64}$/, 'not an id');
export type Id = z.infer<typeof Id>;
