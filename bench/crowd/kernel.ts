import { readFileSync } from 'node:fs';

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
 * This process's anonymous resident memory (`Anonymous:` in /proc/self/smaps_rollup), which holds
 * the heap, the allocator's arenas and socket buffers but not the mapped program and libraries:
 * the soak's breakdown of RSS. Empty where Linux does not give it.
 */
export function anonymousMemory(): { anonymous?: number } {
  try {
    const match = /^Anonymous:\s+(\d+) kB/m.exec(readFileSync('/proc/self/smaps_rollup', 'utf8'));
    return match ? { anonymous: Number(match[1]) * 1024 } : {};
  } catch {
    return {};
  }
}
