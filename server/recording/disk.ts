import { mkdir, statfs } from 'node:fs/promises';

/** Free space below which recording is refused, unless configured (ROUNDTABLE_RECORDING_MIN_FREE_MB). */
export const DEFAULT_MIN_FREE_BYTES = 2 * 1024 ** 3;

/** Bytes free to this (unprivileged) process on the file system that holds `dir`, made if missing. */
export async function freeBytes(dir: string): Promise<number> {
  await mkdir(dir, { recursive: true });
  const info = await statfs(dir);
  return info.bavail * info.bsize;
}
