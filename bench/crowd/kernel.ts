import { readFileSync } from 'node:fs';
import { getHeapSpaceStatistics } from 'node:v8';

/**
 * The kernel's count of connections dropped because a listening socket's accept queue was full
 * (TcpExt ListenOverflows in /proc/net/netstat), for the whole machine; null where it cannot be
 * read. A reconnect storm that overflows the queue loses SYNs, and the clients' TCP waits 1, 2,
 * 4, 8 s before sending them again: time no server-side figure shows.
 */
export function listenOverflows(): number | null {
  try {
    const lines = readFileSync('/proc/net/netstat', 'utf8').split('\n');
    for (let i = 0; i + 1 < lines.length; i += 2) {
      if (!lines[i]!.startsWith('TcpExt:')) continue;
      const names = lines[i]!.split(' ');
      const values = lines[i + 1]!.split(' ');
      const at = names.indexOf('ListenOverflows');
      return at < 0 ? null : Number(values[at]);
    }
  } catch {
    // Not Linux, or no /proc: the figure is left out.
  }
  return null;
}

/**
 * This process's resident memory broken down for the soak: anonymous resident memory
 * (`Anonymous:` in /proc/self/smaps_rollup: the heap, the allocator's arenas and socket buffers,
 * not the mapped program and libraries; absent where Linux does not give it) and the part of it
 * that is V8's own heap pages (every space's physical size, free pages V8 keeps included). What is
 * left of anonymous is the allocator's: Buffers, SQLite, libuv, the allocator's free lists.
 */
export function residentBreakdown(): { anonymous?: number; v8Resident: number } {
  const v8Resident = getHeapSpaceStatistics().reduce((sum, space) => sum + space.physical_space_size, 0);
  try {
    const match = /^Anonymous:\s+(\d+) kB/m.exec(readFileSync('/proc/self/smaps_rollup', 'utf8'));
    return match ? { anonymous: Number(match[1]) * 1024, v8Resident } : { v8Resident };
  } catch {
    return { v8Resident };
  }
}

/**
 * The machine's CPU time so far (`/proc/stat`'s first line, in clock ticks): all of it, and the
 * part the hypervisor gave to other guests while this one was ready to run (steal). Null where
 * it cannot be read. On a shared virtual machine a stall no process of the bench caused shows
 * up here.
 */
export function cpuTimes(): { total: number; steal: number } | null {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal (guest time is already inside user)
    const total = fields.slice(0, 8).reduce((a, b) => a + b, 0);
    return { total, steal: fields[7] ?? 0 };
  } catch {
    return null;
  }
}
