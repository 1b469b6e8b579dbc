// A probe: a real socket.io-client, as a browser runs it, measuring the same things as the crowd
// but with every payload parsed and every vote recorded.
import { io, type Socket } from 'socket.io-client';
import type { AckHandler, BenchClient } from './crowd-client.js';
import { seqIn, type Screen, type Tracker } from './measure.js';

export class ProbeClient implements BenchClient {
  private socket: Socket | null = null;

  constructor(
    private readonly url: string,
    private readonly cookie: string,
    private readonly townHallId: string,
    private readonly tracker: Tracker,
    readonly screen: Screen,
  ) {}

  start(): Promise<boolean> {
    return new Promise((resolve) => {
      const socket = io(this.url, {
        transports: ['websocket'],
        extraHeaders: { cookie: this.cookie },
        forceNew: true,
        reconnection: false,
        timeout: 120_000,
      });
      this.socket = socket;
      socket.io.engine?.on('packet', (packet: { type: string; data?: unknown }) => {
        if (packet.type === 'message' && typeof packet.data === 'string') this.screen.received(packet.data.length + 1);
      });
      socket.on('qa:votes-tallied', (payload: { votes: Record<string, number> }) => {
        const now = performance.now();
        for (const [id, count] of Object.entries(payload.votes)) {
          const index = this.tracker.hotIndex.get(id);
          if (index !== undefined) this.screen.tally(index, count, now);
        }
      });
      socket.on('qa:question-changed', (payload: { question: { text: string } }) => {
        const seq = seqIn(payload.question.text, 'Q');
        if (seq >= 0) this.screen.question(seq, performance.now());
      });
      socket.on('chat:message-posted', (payload: { message: { text: string } }) => {
        const seq = seqIn(payload.message.text, 'C');
        if (seq >= 0) this.screen.chat(seq, performance.now());
      });
      socket.once('connect_error', () => resolve(false));
      socket.once('connect', () => {
        this.command('townhall:join', { townHallId: this.townHallId }, (reply) => resolve(reply.ok));
      });
    });
  }

  command(event: string, payload: object, onAck: AckHandler): void {
    this.socket?.emit(event, payload, (result: { ok: boolean; data?: unknown; error?: { code: string } }) =>
      onAck({ ok: result.ok, result: () => result }),
    );
  }

  close(): Promise<void> {
    const socket = this.socket;
    if (!socket?.connected) return Promise.resolve();
    return new Promise((resolve) => {
      socket.once('disconnect', () => resolve());
      socket.disconnect();
    });
  }
}
