import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { keepPrivate, privateDir } from './storage/files.js';

/**
 * The signing secret: from the configuration when set, otherwise made once and kept in the
 * data folder (readable by this user only) so sessions survive a restart.
 */
export function resolveSecret(configured: string | null, dataDir: string): string {
  if (configured) return configured;
  const file = path.join(dataDir, 'secret.key');
  privateDir(dataDir);
  if (existsSync(file)) {
    keepPrivate(file);
    return readFileSync(file, 'utf8').trim();
  }
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, secret, { mode: 0o600, flag: 'wx' });
  return secret;
}
