import dgram from 'node:dgram';
import { describe, expect, it } from 'vitest';
import { StreamStart, untilUdpPortBound, wallClockOfWorkerTime } from '../../media/first-packet.js';

const bound = (): Promise<dgram.Socket> =>
  new Promise((resolve, reject) => {
    const socket = dgram.createSocket('udp4');
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => resolve(socket));
  });

describe('when a recorded file begins', () => {
  it("reads the worker's monotonic time stamp as the wall clock, however late the event came", () => {
    const now = { wallMs: 1_767_000_010_000, monotonicMs: 5_000_000 };
    expect(wallClockOfWorkerTime(4_999_750, now)).toBe(1_767_000_009_750);
    // Not the same clock after all (in the future, or far in the past): the arrival is used.
    expect(wallClockOfWorkerTime(5_000_500, now)).toBe(now.wallMs);
    expect(wallClockOfWorkerTime(1_000, now)).toBe(now.wallMs);
  });

  it('places a stream where its least held-up packet says, not where its first one came', () => {
    // 90 kHz video, a frame every 50 ms: the first (a keyframe) came 300 ms late, the fourth on time.
    const start = new StreamStart(90_000);
    expect(start.at).toBeNull();
    start.add(1000, 10_300);
    expect(start.at).toBe(10_300);
    start.add(1000 + 4500, 10_200);
    start.add(1000 + 9000, 10_130);
    start.add(1000 + 13_500, 10_150);
    start.add(1000 + 18_000, 10_290);
    expect(start.at).toBe(10_000);
    expect(start.packets).toBe(5);
  });

  it('follows RTP time across its 32-bit wrap, and a packet reordered before the first', () => {
    const start = new StreamStart(48_000);
    start.add(0xffff_ff00, 5000);
    start.add(0xffff_ff00 + 960, 5020);
    start.add((0xffff_ff00 + 48_000) >>> 0, 5990); // a second later, past the wrap, 10 ms early
    expect(start.at).toBe(4990);
    start.add(0xffff_ff00 - 960, 4975); // 20 ms of media before the first, sent 25 ms before it
    expect(start.at).toBe(4990);
  });

  it('agrees with this process’s own clocks: a worker stamp of now is now', () => {
    const monotonicMs = Number(process.hrtime.bigint() / 1_000_000n);
    expect(Math.abs(wallClockOfWorkerTime(monotonicMs) - Date.now())).toBeLessThan(20);
  });

  it('sees a UDP port once a socket is bound to it, and gives up when told', async () => {
    const socket = await bound();
    try {
      const { port } = socket.address();
      expect(await untilUdpPortBound(port, new Promise(() => {}))).toBe(true);
      // A socket bound a moment after the wait began is seen too.
      const later = dgram.createSocket('udp4');
      const free = await bound();
      const freePort = free.address().port;
      free.close();
      const waited = untilUdpPortBound(freePort, new Promise(() => {}));
      later.bind(freePort, '127.0.0.1');
      expect(await waited).toBe(true);
      later.close();
    } finally {
      socket.close();
    }
    const free = await bound();
    const unused = free.address().port;
    await new Promise<void>((resolve) => free.close(() => resolve()));
    expect(await untilUdpPortBound(unused, Promise.resolve())).toBe(false);
  });
});
