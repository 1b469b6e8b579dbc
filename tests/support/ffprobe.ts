// What FFmpeg itself says of a recorded file: its streams, and whether it decodes to the end.
import { execFile } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface ProbedStream {
  codec_type: 'video' | 'audio';
  codec_name: string;
  width?: number;
  height?: number;
  /** Frames actually read (ffprobe -count_frames). */
  nb_read_frames: string;
}

export async function probe(file: string): Promise<{ streams: ProbedStream[]; lastPacketSeconds: number }> {
  const { stdout } = await run('ffprobe', [
    '-v', 'error', '-count_frames', '-show_entries', 'stream=codec_type,codec_name,width,height,nb_read_frames', '-of', 'json', file,
  ]);
  const { streams } = JSON.parse(stdout) as { streams: ProbedStream[] };
  // The duration field is missing from a file cut short; the last packet's time is always there.
  const packets = await run('ffprobe', ['-v', 'error', '-show_entries', 'packet=pts_time', '-of', 'csv=p=0', file]);
  const times = packets.stdout.split('\n').map(Number).filter((t) => Number.isFinite(t) && t > 0);
  return { streams, lastPacketSeconds: times.length === 0 ? 0 : Math.max(...times) };
}

/** Decodes the whole file; rejects with FFmpeg's complaint if it cannot. */
export async function decodes(file: string): Promise<void> {
  const { stderr } = await run('ffmpeg', ['-v', 'error', '-xerror', '-i', file, '-f', 'null', '-']);
  if (stderr.trim() !== '') throw new Error(`${file}: ${stderr.trim()}`);
}

/** Waits until FFmpeg has written a file's header (it needs a keyframe for video first). */
export async function written(file: string, timeoutMs = 15_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const size = await stat(file).then((s) => s.size, () => 0);
    if (size > 0) return;
    if (Date.now() > until) throw new Error(`${file} was not written within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
