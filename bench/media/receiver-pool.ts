import { ChildHandle, type ProcessLoad } from './child.js';
import type { KindTotals, ReceiverStats } from './receiver.js';

/**
 * Receiver processes sharing the viewers between them. Counting 150+ packets a second per
 * viewer in JavaScript is what saturates first, so on a machine with cores to spare the
 * receiving side can be spread over several processes (`--receivers`).
 */
export class ReceiverPool {
  readonly #children: ChildHandle[];
  #opened = 0;

  constructor(size: number) {
    this.#children = Array.from({ length: size }, () => new ChildHandle('./receiver.ts'));
  }

  get pids(): number[] {
    return this.#children.map((child) => child.pid);
  }

  /** Opens `count` more viewer sockets, spread evenly; returns their ports. */
  async open(count: number, payloadTypes: { video: number; audio: number }): Promise<number[]> {
    const shares = this.#children.map(() => 0);
    for (let i = 0; i < count; i += 1) shares[(this.#opened + i) % shares.length]! += 1;
    this.#opened += count;
    const replies = await Promise.all(
      this.#children.map((child, i) =>
        child.request<{ ports: number[] }>('open', {
          count: shares[i],
          videoPayloadType: payloadTypes.video,
          audioPayloadType: payloadTypes.audio,
        }),
      ),
    );
    return replies.flatMap((reply) => reply.ports);
  }

  async stats(): Promise<ReceiverStats> {
    const all = await Promise.all(this.#children.map((child) => child.request<ReceiverStats>('stats')));
    return {
      // The children answer the same request side by side; their mean is the moment sampled.
      at: all.reduce((total, stats) => total + stats.at, 0) / all.length,
      video: sum(all.map((stats) => stats.video)),
      audio: sum(all.map((stats) => stats.audio)),
      rtcpPackets: all.reduce((total, stats) => total + stats.rtcpPackets, 0),
    };
  }

  load(): Promise<ProcessLoad[]> {
    return Promise.all(this.#children.map((child) => child.request<ProcessLoad>('load')));
  }

  async close(): Promise<void> {
    await Promise.all(this.#children.map((child) => child.request('stop').catch(() => undefined)));
    for (const child of this.#children) child.close();
  }
}

function sum(totals: KindTotals[]): KindTotals {
  const result: KindTotals = { received: 0, expected: 0, bytes: 0, streams: 0, flowing: 0, byWidth: {} };
  for (const part of totals) {
    result.received += part.received;
    result.expected += part.expected;
    result.bytes += part.bytes;
    result.streams += part.streams;
    result.flowing += part.flowing;
    for (const [width, count] of Object.entries(part.byWidth)) {
      result.byWidth[Number(width)] = (result.byWidth[Number(width)] ?? 0) + count;
    }
  }
  return result;
}
