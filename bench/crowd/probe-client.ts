// A probe: a real socket.io-client, as a browser runs it, measuring the same things as the crowd
// but with every payload parsed and every vote recorded. Frames are unpacked into their facts
// and each handed to the handler of its event, as the app's client does.
import { io, type Socket } from 'socket.io-client';
import type { RoomFrame } from '../../shared/room.js';
import { backoffMs } from '../../shared/backoff.js';
import { DISCONNECTED, withinCommandTimeout, type AckHandler, type BenchClient, type ClientOptions } from './crowd-client.js';
import { seqIn, type JoinSnapshot, type Screen } from './measure.js';

type Result = { ok: boolean; data?: unknown; error?: { code: string } };

export class ProbeClient implements BenchClient {
  private socket: Socket | null = null;
  private readonly pending = new Set<AckHandler>();
  private everJoined = false;
  /** Refusals in a row (of the connection or the join), for the delay before trying again. */
  private refusals = 0;
  joined = false;

  constructor(
    private readonly url: string,
    private readonly cookie: string,
    private readonly townHallId: string,
    public screen: Screen,
    private readonly options: ClientOptions = { reconnect: false },
  ) {}

  /** What this screen does with each fact it measures, whether it came in a frame or on its own. */
  private readonly facts: Record<string, (payload: unknown) => void> = {
    'qa:votes-tallied': (payload) => {
      const now = performance.now();
      for (const [id, count] of Object.entries((payload as { votes: Record<string, number> }).votes)) {
        const index = this.screen.t.hotIndex.get(id);
        if (index !== undefined) this.screen.tally(index, count, now);
      }
    },
    'qa:question-changed': (payload) => {
      const seq = seqIn((payload as { question: { text: string } }).question.text, 'Q');
      if (seq >= 0) this.screen.question(seq, performance.now());
    },
    'chat:message-posted': (payload) => {
      const seq = seqIn((payload as { message: { text: string } }).message.text, 'C');
      if (seq >= 0) this.screen.chat(seq, performance.now());
    },
    'chat:messages-skipped': (payload) => this.screen.skipped((payload as { count: number }).count),
  };

  start(): Promise<boolean> {
    return new Promise((resolve) => {
      // socket.io-client's own reconnection, with its default delays (1 s doubling to 5 s, ±50 %).
      const socket = io(this.url, {
        transports: ['websocket'],
        extraHeaders: { cookie: this.cookie },
        forceNew: true,
        reconnection: this.options.reconnect,
        reconnectionDelay: 1000,
        reconnectionDelayMax: 5000,
        randomizationFactor: 0.5,
        timeout: 120_000,
      });
      this.socket = socket;
      // Each (re)connection has an engine of its own.
      socket.io.on('open', () =>
        socket.io.engine.on('packet', (packet: { type: string; data?: unknown }) => {
          if (packet.type === 'message' && typeof packet.data === 'string') this.screen.received(packet.data.length + 1);
        }),
      );
      for (const [event, handler] of Object.entries(this.facts)) socket.on(event, handler);
      socket.on('townhall:frame', (frame: RoomFrame) => {
        for (const [event, payload] of frame.facts) this.facts[event]?.(payload);
      });
      socket.on('townhall:resync', () => {
        this.screen.t.resyncs++;
        this.join(false, () => {});
      });
      socket.on('disconnect', () => {
        this.joined = false;
        // Each handler takes itself out of the set when it runs.
        for (const handler of [...this.pending]) handler({ ok: false, result: () => ({ ok: false, error: { code: DISCONNECTED } }) });
      });
      socket.on('connect_error', (err: Error) => {
        if (!this.everJoined) return resolve(false);
        this.options.onTrouble?.(socket.active ? 'connection failed' : `connect error ${err.message}`);
        // Refused by the server (not a transport failure): socket.io-client leaves the retry to the app.
        if (!socket.active) setTimeout(() => socket.connect(), backoffMs(this.refusals++));
      });
      socket.on('connect', () => this.join(true, resolve));
    });
  }

  /** The first join resolves start(); a later one reads its snapshot, which stands in for what this screen missed. */
  private join(reconnected: boolean, settle: (ok: boolean) => void): void {
    const again = this.everJoined;
    const socket = this.socket;
    const joinLater = () => setTimeout(() => this.socket === socket && socket?.connected && this.join(reconnected, settle), backoffMs(this.refusals++));
    const onReply: AckHandler = (reply) => {
      const code = reply.ok ? null : reply.result().error?.code;
      if (!reply.ok) {
        if (again && code !== DISCONNECTED) {
          this.options.onTrouble?.(`join refused ${code ?? '?'}`);
          joinLater();
        }
        return settle(false);
      }
      this.refusals = 0;
      this.joined = true;
      if (again) {
        this.screen.rejoined(reply.result().data as JoinSnapshot, performance.now());
        if (reconnected) this.options.onRejoin?.(this);
      }
      this.everJoined = true;
      settle(true);
    };
    const onTimeout = () => {
      if (this.socket !== socket || !socket?.connected) return;
      this.options.onTrouble?.('join unanswered after 10 s, asked again');
      joinLater();
    };
    this.command('townhall:join', { townHallId: this.townHallId }, again ? withinCommandTimeout(onReply, onTimeout) : onReply);
  }

  command(event: string, payload: object, onAck: AckHandler): void {
    const socket = this.socket;
    // socket.io-client would buffer it until the reconnect; a person offline cannot send, so the generator counts it as offline.
    if (!socket?.connected) return onAck({ ok: false, result: () => ({ ok: false, error: { code: DISCONNECTED } }) });
    const handler: AckHandler = (reply) => {
      if (this.pending.delete(handler)) onAck(reply);
    };
    this.pending.add(handler);
    socket.emit(event, payload, (result: Result) => handler({ ok: result.ok, result: () => result }));
  }

  close(): Promise<void> {
    const socket = this.socket;
    if (!socket) return Promise.resolve();
    socket.io.reconnection(false);
    if (!socket.connected) {
      socket.disconnect();
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      socket.once('disconnect', () => resolve());
      socket.disconnect();
    });
  }
}
