import { chmodSync, existsSync, mkdirSync } from 'node:fs';

// The data folder holds the database (names, questions, password hashes), the signing secret and
// the demo passwords: nobody but the user the server runs as has any business reading them.

/** Makes the data folder if needed and leaves it open to this user only (0700), even if it already existed. */
export function privateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  try {
    chmodSync(dir, 0o700);
  } catch (err) {
    // A folder someone else owns (a volume mounted for this user) keeps the mode its owner gave
    // it; the files in it are still this user's alone.
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') throw err;
  }
}

/** Narrows a data file that already exists to this user (0600): a file an older version wrote may be readable by all. */
export function keepPrivate(file: string): void {
  if (existsSync(file)) chmodSync(file, 0o600);
}
