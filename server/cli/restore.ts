// `npm run restore -- <backup folder>`: restores a backup into the data folder, with the server
// stopped (server/storage/backup.ts). Exit status: 0 done, 2 nothing was changed.
import { loadConfig } from '../config.js';
import { BackupError, restore } from '../storage/backup.js';

try {
  const from = process.argv[2];
  if (!from) throw new BackupError('name the backup folder: npm run restore -- backups/roundtable-…');
  const config = loadConfig();
  if (config.redisUrl) throw new BackupError('REDIS_URL is set: restore Redis from its own backup (docs/operations.md, "Backups")');
  const { manifest, keptAside } = restore(from, config.dataDir);
  console.log(`restored ${manifest.files.length} files into ${config.dataDir}: the database as of ${new Date(manifest.takenAt).toISOString()}`);
  for (const f of keptAside) console.log(`  kept what was there as ${f}`);
} catch (err) {
  console.error(`nothing restored: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 2;
}
