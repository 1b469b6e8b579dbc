// `npm run backup [-- --out DIR]`: backs up the data folder on the embedded store while the
// server runs (server/storage/backup.ts). Exit status: 0 done, 2 it could not be taken.
import { parseArgs } from 'node:util';
import { loadConfig } from '../config.js';
import { backUp, BackupError, defaultBackupDir } from '../storage/backup.js';

try {
  const { values } = parseArgs({ options: { out: { type: 'string' } } });
  const config = loadConfig();
  if (config.redisUrl) {
    throw new BackupError('REDIS_URL is set: the data is in Redis, backed up by its own persistence (docs/operations.md, "Backups")');
  }
  const out = values.out ?? defaultBackupDir();
  const manifest = backUp(config.dataDir, out);
  const bytes = manifest.files.reduce((sum, f) => sum + f.bytes, 0);
  console.log(`backup written to ${out}: ${manifest.files.length} files, ${(bytes / 2 ** 20).toFixed(1)} MB, database as of ${new Date(manifest.takenAt).toISOString()}`);
} catch (err) {
  console.error(`backup not taken: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 2;
}
