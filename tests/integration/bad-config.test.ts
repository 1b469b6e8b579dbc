import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const dataDir = mkdtempSync(path.join(tmpdir(), 'rt-bad-config-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

/** Starts the real entry point with these settings and collects what it prints until it exits. */
async function start(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    env: { PATH: process.env.PATH, ROUNDTABLE_DATA_DIR: dataDir, PORT: '0', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stderr };
}

describe('a setting that cannot work', () => {
  it('stops start-up with the setting named and no stack trace', async () => {
    const { code, stderr } = await start({ ROUNDTABLE_TURN_URLS: 'turn:turn.example.gov:3478' });
    expect(code).toBe(1);
    expect(stderr).toContain('ROUNDTABLE_TURN_SECRET is required with ROUNDTABLE_TURN_URLS');
    expect(stderr).not.toMatch(/^\s+at /m);
  });
});
