// The production start: `npm run build` bundles the server into dist/server/main.js, and
// `npm start` runs that with Node alone, as package.json says (no TypeScript loader at run time).
// The operator's commands (admin:create, backup, restore) are bundled beside it and run the same way.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startSettings } from '../../bench/crowd/start-settings.js';
import { connectTo, guestAt, loginAt, startNode, type NodeProcess } from '../support/nodes.js';
import { command } from '../support/server.js';

const scripts = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> }).scripts;

/** A package.json script's settings and Node arguments (it throws unless the script runs node), checked to run without tsx. */
function scriptCommand(script: string): { env: Record<string, string>; args: string[] } {
  const { env, args } = startSettings(scripts[script]!);
  expect(args.some((a) => a.includes('tsx')), script).toBe(false);
  return { env, args };
}
const nodeArgs = (script: string): string[] => scriptCommand(script).args;
const start = scriptCommand('start');

/** Runs one of the built operator's commands as `npm run <script> -- <args>` would, against a data folder. */
function run(script: string, args: string[], env: Record<string, string>): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...nodeArgs(script), ...args], { env: { ...process.env, REDIS_URL: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    child.once('exit', (code) => resolve({ code: code ?? -1, out }));
  });
}

describe('the built server', () => {
  let node: NodeProcess | undefined;
  afterAll(() => node?.stop());

  it('builds with npm run build:server and runs under node as npm start runs it', async () => {
    const built = spawnSync('npm', ['run', '--silent', 'build:server'], { encoding: 'utf8' });
    expect(built.status, built.stderr).toBe(0);
    node = await startNode({ entry: start.args, env: start.env });
    expect(await (await fetch(`${node.url}/healthz`)).json()).toEqual({ ok: true });
    const socket = await connectTo(node.url, await guestAt(node.url, 'Rosa'));
    try {
      // A command runs end to end: authenticated, parsed, and refused with its code.
      expect(await command(socket, 'townhall:join', { townHallId: 'AAAAAAAAAAAAAAAA' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    } finally {
      socket.disconnect();
    }
  }, 60_000);

  it('runs admin:create, backup and restore from the build, without tsx', async () => {
    // The build from the test above, if it ran; otherwise this one builds.
    if (!existsSync('dist/server/cli/backup.js')) expect(spawnSync('npm', ['run', '--silent', 'build:server']).status).toBe(0);
    await node?.stop();
    const dataDir = mkdtempSync(path.join(tmpdir(), 'rt-built-cli-'));
    node = await startNode({ dataDir, entry: start.args, env: { ...start.env, ROUNDTABLE_SECRET: '' } });

    const password = 'a long admin password';
    const made = await run('admin:create', ['chief'], { ROUNDTABLE_DATA_DIR: dataDir, ROUNDTABLE_ADMIN_PASSWORD: password });
    expect(made).toMatchObject({ code: 0, out: expect.stringContaining('Created admin chief.') });
    expect((await loginAt(node.url, 'chief', password)).me.role).toBe('admin');

    const backupDir = path.join(mkdtempSync(path.join(tmpdir(), 'rt-built-backups-')), 'one');
    expect(await run('backup', ['--out', backupDir], { ROUNDTABLE_DATA_DIR: dataDir })).toMatchObject({ code: 0, out: expect.stringContaining(`backup written to ${backupDir}`) });
    await node.stop();
    node = undefined;

    const restoredDir = mkdtempSync(path.join(tmpdir(), 'rt-built-restored-'));
    expect((await run('restore', [backupDir], { ROUNDTABLE_DATA_DIR: restoredDir })).code).toBe(0);
    node = await startNode({ dataDir: restoredDir, entry: start.args, env: { ...start.env, ROUNDTABLE_SECRET: '' } });
    expect((await loginAt(node.url, 'chief', password)).me.role).toBe('admin');
  }, 90_000);
});
