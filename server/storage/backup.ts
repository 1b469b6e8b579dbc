// Backing up and restoring a data folder on the embedded store: the SQLite database, taken
// while the server runs; the signing secret, without which every session, pseudonym and hall
// code changes; and the recordings. Redis keeps its own data (docs/operations.md).
import { createHash } from 'node:crypto';
import { closeSync, copyFileSync, cpSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { keepPrivate, privateDir } from './files.js';

export const DATABASE_FILE = 'roundtable.db';
export const SECRET_FILE = 'secret.key';
export const RECORDINGS_DIR = 'recordings';
export const MANIFEST_FILE = 'backup.json';
/** The manifest's own format; a restore refuses a manifest it does not know. */
const FORMAT = 1;

export interface BackupManifest {
  format: typeof FORMAT;
  /** When the database's snapshot was taken (ms since the epoch): every write stored before is in it. */
  takenAt: number;
  /** Each file, relative to the backup folder, with its size and SHA-256. */
  files: { path: string; bytes: number; sha256: string }[];
}

export class BackupError extends Error {}

/**
 * Backs `dataDir` up into `out` (made; must not exist yet). The database is copied with
 * `VACUUM INTO`, one read transaction on a WAL database: writers go on meanwhile, and the copy is
 * the database as it was when the transaction began — every write acknowledged before the backup
 * started is in it. Recordings are copied as they are: a track still being written is copied up to
 * where it was (Matroska written without re-encoding plays up to its last complete cluster).
 */
export function backUp(dataDir: string, out: string, now: () => number = Date.now): BackupManifest {
  const database = path.join(dataDir, DATABASE_FILE);
  if (!existsSync(database)) throw new BackupError(`no database at ${database}: is ROUNDTABLE_DATA_DIR right?`);
  if (existsSync(out)) throw new BackupError(`${out} already exists: name a new folder`);
  privateDir(out);
  try {
    return copyInto(database, dataDir, out, now);
  } catch (err) {
    // Half a backup is worse than none: it would restore.
    removeBackup(out);
    throw err;
  }
}

function copyInto(database: string, dataDir: string, out: string, now: () => number): BackupManifest {
  const db = new BetterSqlite3(database, { readonly: true, fileMustExist: true });
  let takenAt: number;
  try {
    db.pragma('busy_timeout = 5000');
    takenAt = now();
    db.prepare('VACUUM INTO ?').run(path.join(out, DATABASE_FILE));
  } finally {
    db.close();
  }
  keepPrivate(path.join(out, DATABASE_FILE));
  const secret = path.join(dataDir, SECRET_FILE);
  if (existsSync(secret)) {
    copyFileSync(secret, path.join(out, SECRET_FILE));
    keepPrivate(path.join(out, SECRET_FILE));
  }
  const recordings = path.join(dataDir, RECORDINGS_DIR);
  if (existsSync(recordings)) cpSync(recordings, path.join(out, RECORDINGS_DIR), { recursive: true });
  const manifest: BackupManifest = { format: FORMAT, takenAt, files: filesOf(out).map((f) => describe(out, f)) };
  writeFileSync(path.join(out, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600 });
  return manifest;
}

/**
 * Restores a backup into `dataDir`, with the server stopped. Every file is checked against the
 * manifest first, so a damaged backup changes nothing. What the folder held is kept beside it
 * (`<name>.before-restore-<time>`), not deleted: a restore over the wrong folder can be undone.
 */
export function restore(backup: string, dataDir: string, now: () => number = Date.now): { manifest: BackupManifest; keptAside: string[] } {
  const manifest = readManifest(backup);
  for (const f of manifest.files) {
    const actual = describe(backup, f.path);
    if (actual.sha256 !== f.sha256 || actual.bytes !== f.bytes) throw new BackupError(`${f.path} does not match the backup's manifest: the backup is damaged`);
  }
  if (!manifest.files.some((f) => f.path === DATABASE_FILE)) throw new BackupError('the backup holds no database');
  assertNotInUse(path.join(dataDir, DATABASE_FILE));
  privateDir(dataDir);
  const stamp = new Date(now()).toISOString().replace(/[:.]/g, '-');
  const keptAside: string[] = [];
  const aside = (name: string) => {
    const from = path.join(dataDir, name);
    if (!existsSync(from)) return;
    const to = `${from}.before-restore-${stamp}`;
    renameSync(from, to);
    keptAside.push(to);
  };
  // The -wal and -shm files belong to the database being replaced: left there, SQLite would
  // replay the old write-ahead log onto the restored file.
  for (const name of [DATABASE_FILE, `${DATABASE_FILE}-wal`, `${DATABASE_FILE}-shm`]) aside(name);
  copyFileSync(path.join(backup, DATABASE_FILE), path.join(dataDir, DATABASE_FILE));
  keepPrivate(path.join(dataDir, DATABASE_FILE));
  if (existsSync(path.join(backup, SECRET_FILE))) {
    aside(SECRET_FILE);
    copyFileSync(path.join(backup, SECRET_FILE), path.join(dataDir, SECRET_FILE));
    keepPrivate(path.join(dataDir, SECRET_FILE));
  }
  if (existsSync(path.join(backup, RECORDINGS_DIR))) {
    aside(RECORDINGS_DIR);
    cpSync(path.join(backup, RECORDINGS_DIR), path.join(dataDir, RECORDINGS_DIR), { recursive: true });
  }
  return { manifest, keptAside };
}

/**
 * Refuses while a server has the database open: replacing it underneath would lose what the
 * server writes next and could corrupt it. A server's connection keeps SQLite from granting an
 * exclusive lock, which is asked for without waiting and let go at once.
 */
function assertNotInUse(database: string): void {
  if (!existsSync(database)) return;
  const db = new BetterSqlite3(database, { fileMustExist: true });
  try {
    db.pragma('busy_timeout = 0');
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE');
    db.exec('ROLLBACK');
  } catch (err) {
    if ((err as { code?: string }).code?.startsWith('SQLITE_BUSY')) throw new BackupError('the database is in use: stop the server before restoring');
    throw err;
  } finally {
    db.close();
  }
}

function readManifest(backup: string): BackupManifest {
  const file = path.join(backup, MANIFEST_FILE);
  if (!existsSync(file)) throw new BackupError(`no ${MANIFEST_FILE} in ${backup}: not a Roundtable backup`);
  let manifest: BackupManifest;
  try {
    manifest = JSON.parse(readFileSync(file, 'utf8')) as BackupManifest;
  } catch {
    throw new BackupError(`${file} is not readable JSON`);
  }
  if (manifest.format !== FORMAT || !Array.isArray(manifest.files)) throw new BackupError(`${file} is not a backup manifest this version knows`);
  // A manifest names files inside the backup only: nothing it lists may reach outside.
  for (const f of manifest.files) {
    if (typeof f.path !== 'string' || path.isAbsolute(f.path) || path.normalize(f.path).startsWith('..')) throw new BackupError(`the manifest names a file outside the backup: ${String(f.path)}`);
  }
  return manifest;
}

/** Every file under `dir`, relative to it, in a stable order. */
function filesOf(dir: string, under = ''): string[] {
  return readdirSync(path.join(dir, under), { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((e) => {
      const rel = path.join(under, e.name);
      return e.isDirectory() ? filesOf(dir, rel) : e.isFile() ? [rel] : [];
    });
}

function describe(dir: string, rel: string): BackupManifest['files'][number] {
  const file = path.join(dir, rel);
  if (!existsSync(file)) throw new BackupError(`${rel} is missing from the backup`);
  // Read in chunks: a recording's track may be gigabytes.
  const hash = createHash('sha256');
  const fd = openSync(file, 'r');
  try {
    const chunk = Buffer.allocUnsafe(1 << 20);
    for (let n; (n = readSync(fd, chunk, 0, chunk.length, null)) > 0; ) hash.update(chunk.subarray(0, n));
  } finally {
    closeSync(fd);
  }
  return { path: rel, bytes: statSync(file).size, sha256: hash.digest('hex') };
}

/** Removes a backup folder (tests, and a failed backup's leftovers). */
export function removeBackup(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** A default folder for a new backup: `backups/roundtable-<time>` in the working directory. */
export function defaultBackupDir(now: () => number = Date.now): string {
  const dir = path.resolve('backups');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return path.join(dir, `roundtable-${new Date(now()).toISOString().replace(/[:.]/g, '-')}`);
}
