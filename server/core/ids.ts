import { randomBytes } from 'node:crypto';

/**
 * A new opaque id: 16 url-safe characters (96 random bits), matching shared/ids.ts.
 * Never starts with '-': a spreadsheet reads such a cell as a formula, so the CSV exports would
 * have to defuse it with a quote and the id in the export would no longer match the API's.
 */
export function newId(): string {
  for (;;) {
    const id = randomBytes(12).toString('base64url');
    if (id[0] !== '-') return id;
  }
}
