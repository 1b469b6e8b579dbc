// kill -9 during a recording: the server process (a child here) dies without a chance to clean
// up. Every track written up to the kill must still play. One track's FFmpeg is killed with it
// (as when the whole machine goes), the other is left to the watchdog that stops FFmpeg when
// the server's pipe closes.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, expect, it } from 'vitest';
import { parseTimeline } from '../../server/recording/timeline.js';
import { decodes, probe } from '../support/ffprobe.js';
import { useCachedWorker } from '../support/media.js';

useCachedWorker();
const cleanup: Array<() => Promise<unknown> | void> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

const childrenOf = async (pid: number): Promise<number[]> => {
  const text = await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8').catch(() => '');
  return text.split(' ').filter(Boolean).map(Number);
};
const commandOf = async (pid: number) => (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).split('\0');
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
const kill = (pid: number) => {
  if (alive(pid)) process.kill(pid, 'SIGKILL');
};

async function gone(pids: number[], timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (pids.some(alive)) {
    if (Date.now() > until) throw new Error(`still running after ${timeoutMs} ms: ${pids.filter(alive).join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

it('leaves every track playable up to a kill -9 of the server, and no FFmpeg running', async () => {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'rt-recording-kill-'));
  cleanup.push(() => rm(dataDir, { recursive: true, force: true }));
  const server = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, '../fixtures/recording-server.ts'), dataDir], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: process.env,
  });
  cleanup.push(() => kill(server.pid!));
  const ready = await new Promise<{ dir: string; tracks: string[]; sourcePid: number }>((resolve, reject) => {
    const lines = createInterface({ input: server.stdout! });
    lines.once('line', (text) => resolve(JSON.parse(text) as { dir: string; tracks: string[]; sourcePid: number }));
    server.once('exit', (code) => reject(new Error(`the recording server exited first (${code})`)));
  });
  cleanup.push(() => kill(ready.sourcePid));

  // The recorders: the watchdog shells the server started, each with its FFmpeg.
  const shells: number[] = [];
  for (const pid of await childrenOf(server.pid!)) if ((await commandOf(pid)).includes('track-recorder')) shells.push(pid);
  expect(shells).toHaveLength(2);
  // Each shell has FFmpeg and its own watchdog subshell as children.
  const helpers = (await Promise.all(shells.map(childrenOf))).flat();
  const ffmpegs: number[] = [];
  for (const pid of helpers) if ((await commandOf(pid))[0]?.endsWith('ffmpeg')) ffmpegs.push(pid);
  expect(ffmpegs).toHaveLength(2);
  for (const pid of [...shells, ...helpers]) cleanup.push(() => kill(pid));

  await new Promise((resolve) => setTimeout(resolve, 3000)); // three seconds recorded
  const videoFfmpeg = (await Promise.all(ffmpegs.map(async (pid) => ({ pid, args: await commandOf(pid) })))).find(({ args }) =>
    args.some((arg) => arg.endsWith('camera-video.mkv')),
  )!.pid;
  server.kill('SIGKILL');
  process.kill(videoFfmpeg, 'SIGKILL');
  kill(ready.sourcePid);

  await gone([...shells, ...helpers]);
  for (const file of ready.tracks) {
    const full = path.join(ready.dir, file);
    const probed = await probe(full);
    expect(probed.streams).toHaveLength(1);
    expect(probed.lastPacketSeconds).toBeGreaterThan(1.5);
    await decodes(full);
  }
  const timeline = parseTimeline(await readFile(path.join(ready.dir, 'timeline.jsonl'), 'utf8'));
  expect(timeline.filter((e) => e.type === 'track-started')).toHaveLength(2);
}, 60_000);
