import { readFile } from 'node:fs/promises';

/**
 * What Linux says about CPU time that the processes cannot say themselves: how busy the
 * whole machine was, and how long a process sat runnable waiting for a CPU. The second tells
 * "the worker is slow" apart from "the worker was not given a core" on a shared machine.
 */

/** Jiffies the whole machine spent busy and in total, from the first line of /proc/stat. */
export async function hostTimes(): Promise<{ busy: number; total: number }> {
  const line = (await readFile('/proc/stat', 'utf8')).split('\n', 1)[0] ?? '';
  const fields = line.trim().split(/\s+/).slice(1, 9).map(Number);
  const total = fields.reduce((sum, value) => sum + value, 0);
  return { busy: total - (fields[3] ?? 0) - (fields[4] ?? 0), total };
}

/**
 * Nanoseconds the process's main thread has spent runnable but not running
 * (/proc/<pid>/schedstat, second field); 0 where the kernel does not keep it.
 */
export async function runQueueWaitNs(pid: number): Promise<number> {
  try {
    const fields = (await readFile(`/proc/${pid}/schedstat`, 'utf8')).trim().split(/\s+/);
    return Number(fields[1] ?? 0);
  } catch {
    return 0;
  }
}

/**
 * Datagrams the kernel dropped because these local UDP ports' receive buffers were full
 * (/proc/net/udp, last column): loss that happened in the reader, not on the way to it.
 */
export async function udpDrops(ports: ReadonlySet<number>): Promise<number> {
  let drops = 0;
  for (const line of (await readFile('/proc/net/udp', 'utf8')).split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    const port = Number.parseInt(fields[1]?.split(':')[1] ?? '', 16);
    if (ports.has(port)) drops += Number(fields.at(-1) ?? 0);
  }
  return drops;
}

/** /proc/<pid>/stat counts CPU time in USER_HZ ticks, which Linux fixes at 100 a second. */
const MS_PER_TICK = 10;

/**
 * CPU time of a process in ms, split into user and kernel time, read by the caller at the
 * instant it asks, which a request to a busy worker would not be.
 */
export async function processCpuMs(pid: number): Promise<{ user: number; system: number }> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // The command name is in parentheses and may hold spaces; fields are counted after it.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { user: Number(fields[11]) * MS_PER_TICK, system: Number(fields[12]) * MS_PER_TICK };
}
