// `npm run backup` while a town hall is live and being written to, then `npm run restore` into
// a fresh folder: every write the server acknowledged before the backup began is there, and the
// people signed in before are still signed in (the secret and the sessions came back together).
// The recordings folder goes along, each file checked by its SHA-256.
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStores, type Stores } from '../../server/stores.js';
import type { BackupManifest } from '../../server/storage/backup.js';
import { newId } from '../../server/core/ids.js';
import { ARCHIVE_FILE, ARCHIVE_WAITING, RecordingLibrary } from '../../server/recording/library.js';
import { TIMELINE_FILE } from '../../server/recording/session.js';
import { connectTo, guestAt, startNode, type NodeProcess } from '../support/nodes.js';
import { command, unwrap, type ClientSocket, type Session } from '../support/server.js';

/** Runs one of the npm scripts' CLIs as an operator would, against a data folder. */
function cli(script: 'backup' | 'restore', args: string[], dataDir: string): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', `server/cli/${script}.ts`, ...args], {
      env: { ...process.env, ROUNDTABLE_DATA_DIR: dataDir, REDIS_URL: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    child.once('exit', (code) => resolve({ code: code ?? -1, out }));
  });
}

const OWN_SECRET = { ROUNDTABLE_SECRET: '' };

describe('backing up a live town hall and restoring it', () => {
  const nodes: NodeProcess[] = [];
  const sockets: ClientSocket[] = [];
  let stores: Stores | undefined;
  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    await Promise.all(nodes.map((n) => n.stop()));
    await stores?.close();
  });

  it('keeps every write acknowledged before the backup began, and the sessions with it', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'rt-backup-live-'));
    // The secret in the data folder (none in the environment), as a single machine keeps it.
    const node = await startNode({ dataDir, env: OWN_SECRET });
    nodes.push(node);
    // The town hall is made in the server's own database, as an admin's form would.
    stores = await openStores({ kind: 'sqlite', file: path.join(dataDir, 'roundtable.db') });
    const townHallId = (await stores.townHalls.create({ title: 'Backup night', description: '', startsAt: 1, status: 'live', moderation: 'post', hosts: [] })).id;
    await stores.close();
    stores = undefined;

    // Twenty residents, each within chat's pace of five messages per ten seconds.
    const people: { session: Session; socket: ClientSocket }[] = [];
    for (let i = 0; i < 20; i++) {
      const session = await guestAt(node.url, `Resident ${i}`);
      const socket = await connectTo(node.url, session);
      sockets.push(socket);
      unwrap(await command(socket, 'townhall:join', { townHallId }));
      people.push({ session, socket });
    }

    // Writing goes on, one message at a time, until the backup has finished.
    const acked: { id: string; at: number }[] = [];
    let backupDone = false;
    const writing = (async () => {
      for (let n = 0; n < 100 && !backupDone; n++) {
        const { socket } = people[n % people.length]!;
        const message = unwrap(await command(socket, 'chat:send', { townHallId, text: `Message number ${n}` }));
        acked.push({ id: message.id, at: Date.now() });
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    await new Promise((resolve) => setTimeout(resolve, 300));
    const backupDir = path.join(mkdtempSync(path.join(tmpdir(), 'rt-backups-')), 'one');
    const backup = await cli('backup', ['--out', backupDir], dataDir);
    backupDone = true;
    await writing;
    expect(backup).toMatchObject({ code: 0, out: expect.stringContaining(`backup written to ${backupDir}`) });
    const manifest = JSON.parse(readFileSync(path.join(backupDir, 'backup.json'), 'utf8')) as BackupManifest;
    expect(manifest.files.map((f) => f.path).sort()).toEqual(['roundtable.db', 'secret.key']);
    const before = acked.filter((w) => w.at < manifest.takenAt);
    // The test means something only if writes were acknowledged on both sides of the snapshot.
    expect(before.length).toBeGreaterThan(0);
    expect(acked.length).toBeGreaterThan(before.length);

    // Restoring under a running server is refused, and changes nothing.
    const refused = await cli('restore', [backupDir], dataDir);
    expect(refused).toMatchObject({ code: 2, out: expect.stringContaining('stop the server before restoring') });

    await node.stop();
    const restoredDir = mkdtempSync(path.join(tmpdir(), 'rt-backup-restored-'));
    expect((await cli('restore', [backupDir], restoredDir)).code).toBe(0);
    const restored = await startNode({ dataDir: restoredDir, env: OWN_SECRET });
    nodes.push(restored);
    // A resident signed in before the backup comes back with the same cookie.
    const socket = await connectTo(restored.url, people[0]!.session);
    sockets.push(socket);
    const snapshot = unwrap(await command(socket, 'townhall:join', { townHallId }));
    const present = new Set(snapshot.chat.messages.map((m) => m.id));
    expect(before.filter((w) => !present.has(w.id))).toEqual([]);
  }, 90_000);

  it('takes the recordings folder too, each file by its SHA-256, and restores it byte for byte', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'rt-backup-rec-'));
    const node = await startNode({ dataDir, env: OWN_SECRET });
    await node.stop();
    // Two recordings in the library's layout (recordings/<town hall>/<recording>/): tracks as
    // the recorder names them, a timeline and the composition job's status beside them.
    const library = new RecordingLibrary(dataDir);
    const written = new Map<string, Buffer>();
    const townHallId = newId();
    for (const recordingId of [newId(), newId()]) {
      mkdirSync(library.dir(townHallId, recordingId), { recursive: true });
      const files: [string, Buffer][] = [
        ['001-camera-video.mkv', randomBytes(300_000)],
        ['002-microphone-audio.mkv', randomBytes(40_000)],
        [TIMELINE_FILE, Buffer.from(`${JSON.stringify({ at: Date.now(), recordingId })}\n`)],
        [ARCHIVE_FILE, Buffer.from(JSON.stringify(ARCHIVE_WAITING))],
      ];
      for (const [name, bytes] of files) {
        writeFileSync(library.file(townHallId, recordingId, name), bytes);
        written.set(path.join('recordings', townHallId, recordingId, name), bytes);
      }
    }

    const backupDir = path.join(mkdtempSync(path.join(tmpdir(), 'rt-backups-')), 'one');
    expect((await cli('backup', ['--out', backupDir], dataDir)).code).toBe(0);
    const manifest = JSON.parse(readFileSync(path.join(backupDir, 'backup.json'), 'utf8')) as BackupManifest;
    const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
    expect(manifest.files.filter((f) => f.path.startsWith('recordings')).sort((a, b) => a.path.localeCompare(b.path))).toEqual(
      [...written].map(([p, bytes]) => ({ path: p, bytes: bytes.length, sha256: sha256(bytes) })).sort((a, b) => a.path.localeCompare(b.path)),
    );

    // Restored over a folder with recordings of its own: those are kept aside, not mixed in.
    const target = mkdtempSync(path.join(tmpdir(), 'rt-backup-rec-target-'));
    mkdirSync(path.join(target, 'recordings'));
    writeFileSync(path.join(target, 'recordings', 'left-before.mkv'), 'older bytes');
    expect((await cli('restore', [backupDir], target)).code).toBe(0);
    for (const [p, bytes] of written) expect(readFileSync(path.join(target, p)).equals(bytes), p).toBe(true);
    expect(existsSync(path.join(target, 'recordings', 'left-before.mkv'))).toBe(false);
    const aside = readdirSync(target).filter((name) => name.startsWith('recordings.before-restore-'));
    expect(aside).toHaveLength(1);
    expect(readFileSync(path.join(target, aside[0]!, 'left-before.mkv'), 'utf8')).toBe('older bytes');
  }, 60_000);

  it('refuses a damaged backup and leaves the folder as it was', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'rt-backup-src-'));
    const node = await startNode({ dataDir, env: OWN_SECRET });
    await node.stop();
    const backupDir = path.join(mkdtempSync(path.join(tmpdir(), 'rt-backups-')), 'one');
    expect((await cli('backup', ['--out', backupDir], dataDir)).code).toBe(0);
    const secret = path.join(backupDir, 'secret.key');
    writeFileSync(secret, 'not the secret');
    const target = mkdtempSync(path.join(tmpdir(), 'rt-backup-target-'));
    writeFileSync(path.join(target, 'secret.key'), 'the old secret');
    expect(await cli('restore', [backupDir], target)).toMatchObject({ code: 2, out: expect.stringContaining('secret.key does not match') });
    expect(readFileSync(path.join(target, 'secret.key'), 'utf8')).toBe('the old secret');
  }, 60_000);
});
