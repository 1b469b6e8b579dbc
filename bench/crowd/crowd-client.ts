// A lightweight member of the crowd: just enough Engine.IO v4 / Socket.IO v5 over a WebSocket
// (wire.ts) to join a town hall, vote, ask and chat, and to find the facts it measures inside
// each frame by their bytes (frame-reader.ts). Nothing it does not measure is parsed, so
// thousands fit on one core. It reconnects with back-off and jitter, as socket.io-client does,
// when asked to (the reconnect storm).
import { backoffMs } from '../../shared/backoff.js';
import { apply, EVENT_NAME_AT, NAMES, nameAt, readEvent, readFrame } from './frame-reader.js';
import type { JoinSnapshot, Screen } from './measure.js';
import { Wire } from './wire.js';

/** The acknowledgement of one command: `ok` from its first bytes; `result()` parses it in full. */
export interface AckReply {
  ok: boolean;
  result(): { ok: boolean; data?: unknown; error?: { code: string } };
}
export type AckHandler = (reply: AckReply) => void;

/** The code a command gets when its connection closed before the answer came. */
export const DISCONNECTED = 'DISCONNECTED';
const disconnected: AckReply = { ok: false, result: () => ({ ok: false, error: { code: DISCONNECTED } }) };

/** What the generator needs of any client, light or real. */
export interface BenchClient {
  /** Where this client reports what it sees; the generator swaps it between soak windows. */
  screen: Screen;
  /** In the town hall now (false while reconnecting). */
  readonly joined: boolean;
  /** Connects and joins the town hall; resolves false on any failure. */
  start(): Promise<boolean>;
  command(event: string, payload: object, onAck: AckHandler): void;
  close(): Promise<void>;
}

export interface ClientOptions {
  /** Reconnect (with back-off) and re-join when the connection drops after the first join. */
  reconnect: boolean;
  /** Called after each re-join that followed a dropped connection. */
  onRejoin?: (client: BenchClient) => void;
  /** What went wrong on the way back after a dropped connection, one call per incident. */
  onTrouble?: (what: string) => void;
}

const ACK_OK = Buffer.from('[{"ok":true');
/** The first join may wait behind the whole crowd arriving. */
const JOIN_TIMEOUT_MS = 120_000;
/**
 * A reconnection that is not connected to the namespace within socket.io-client's default
 * connection timeout gives up and tries again. A re-join not answered within the app's command
 * timeout is asked again after a back-off, as the app's page does
 * (client/src/lib/townhall-room.svelte.ts); the late answer to the one given up is ignored.
 */
const RECONNECT_TIMEOUT_MS = 20_000;
export const APP_COMMAND_TIMEOUT_MS = 10_000;

/**
 * A re-join's answer as the app's page takes it: `onTimeout` runs if none came within the app's
 * command timeout, and an answer after that is dropped. Returns the handler to send with.
 */
export function withinCommandTimeout(onReply: AckHandler, onTimeout: () => void): AckHandler {
  let late = false;
  const timer = setTimeout(() => {
    late = true;
    onTimeout();
  }, APP_COMMAND_TIMEOUT_MS);
  return (reply) => {
    clearTimeout(timer);
    if (!late) onReply(reply);
  };
}
const startsWith = (buf: Buffer, prefix: Buffer) => nameAt(buf, 0, prefix);

export class CrowdClient implements BenchClient {
  private ws: Wire | null = null;
  private nextAck = 1;
  private readonly acks = new Map<number, AckHandler>();
  private everJoined = false;
  private closing = false;
  private attempt = 0;
  private retry: NodeJS.Timeout | null = null;
  joined = false;

  constructor(
    private readonly url: string,
    private readonly cookie: string,
    private readonly townHallId: string,
    public screen: Screen,
    private readonly options: ClientOptions = { reconnect: false },
  ) {}

  start(): Promise<boolean> {
    return new Promise((resolve) => this.open(resolve));
  }

  /** One connection; `settle` hears whether its join succeeded (the first one only, for start()). */
  private open(settle: (ok: boolean) => void): void {
    const wsUrl = `${this.url.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`;
    let settled = false;
    const once = (ok: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      settle(ok);
    };
    const ws: Wire = new Wire(
      wsUrl,
      { cookie: this.cookie },
      {
        message: (data) => {
          const type = data[0];
          if (type === 0x34 /* 4: a Socket.IO packet */) return this.packet(data, once);
          if (type === 0x32 /* 2: ping */) return ws.send('3');
          if (type === 0x30 /* 0: open */) return ws.send('40');
        },
        close: () => {
          if (!settled) this.trouble(ws.handshaken ? 'connection closed before the join' : 'connection failed');
          once(false);
          this.dropped(ws);
        },
      },
    );
    this.ws = ws;
    const timer = setTimeout(
      () => {
        this.trouble('not connected within 20 s');
        once(false);
        ws.destroy();
      },
      this.everJoined ? RECONNECT_TIMEOUT_MS : JOIN_TIMEOUT_MS,
    );
    // A reconnection's timer stops once the namespace is connected (its join may take longer).
    this.connected = () => {
      if (this.everJoined) clearTimeout(timer);
    };
  }

  private connected = () => {};

  private trouble(what: string): void {
    if (this.everJoined) this.options.onTrouble?.(what);
  }

  /** The connection closed: its commands will never be answered; reconnect if this client should. */
  private dropped(ws: Wire): void {
    if (this.ws !== ws) return;
    this.joined = false;
    const pending = [...this.acks.values()];
    this.acks.clear();
    for (const handler of pending) handler(disconnected);
    if (this.closing || !this.options.reconnect || !this.everJoined) return;
    this.retry = setTimeout(() => {
      this.retry = null;
      // A failed attempt closes too, and comes back here for the next, longer delay.
      this.open(() => {});
    }, backoffMs(this.attempt++));
  }

  private packet(data: Buffer, settle: (ok: boolean) => void): void {
    const kind = data[1];
    if (kind === 0x32 /* 2: event */) return this.event(data);
    if (kind === 0x33 /* 3: ack */) {
      let i = 2;
      let id = 0;
      for (; i < data.length && data[i]! >= 48 && data[i]! <= 57; i++) id = id * 10 + (data[i]! - 48);
      const handler = this.acks.get(id);
      if (!handler) return;
      this.acks.delete(id);
      const body = data.subarray(i);
      // `data` is only lent for this call (see wire.ts): the answer is read during it, if at all.
      let lent = true;
      let read: ReturnType<AckReply['result']> | null = null;
      const result = () => {
        if (!read && !lent) throw new Error('an acknowledgement is read during its callback');
        return (read ??= (JSON.parse(body.toString()) as [never])[0]);
      };
      handler({ ok: startsWith(body, ACK_OK), result });
      lent = false;
      return;
    }
    if (kind === 0x30 /* 0: connected */) {
      this.connected();
      return this.join(settle, true);
    }
    if (kind === 0x34 /* 4: connect error */) {
      // `44{"message":"UNAVAILABLE"}`: the server refused the namespace; a client tries again later.
      this.trouble(`connect error ${/"message":"([^"]*)"/.exec(data.toString())?.[1] ?? '?'}`);
      settle(false);
      this.ws?.destroy();
    }
  }

  /**
   * Joins the town hall. The first join's snapshot holds nothing this screen measures; a later
   * one (after a reconnect or a resync) stands in for what it missed, so it is read.
   */
  private join(settle: (ok: boolean) => void, reconnected: boolean): void {
    const again = this.everJoined;
    const ws = this.ws;
    const onReply: AckHandler = (reply) => {
      if (!reply.ok) {
        if (reply !== disconnected) this.trouble(`join refused ${reply.result().error?.code ?? '?'}`);
        // Refused (the server starting up, a limit): the connection stays; so does the screen's wish to join.
        if (again && reply !== disconnected) this.joinLater(settle, reconnected);
        return settle(false);
      }
      this.joined = true;
      if (again) {
        this.attempt = 0;
        this.screen.rejoined((reply.result().data as JoinSnapshot | undefined) ?? {}, performance.now());
        if (reconnected) this.options.onRejoin?.(this);
      }
      this.everJoined = true;
      settle(true);
    };
    const onTimeout = () => {
      if (this.ws !== ws || !ws?.open) return;
      this.trouble('join unanswered after 10 s, asked again');
      this.joinLater(settle, reconnected);
    };
    this.command('townhall:join', { townHallId: this.townHallId }, again ? withinCommandTimeout(onReply, onTimeout) : onReply);
  }

  private joinLater(settle: (ok: boolean) => void, reconnected: boolean): void {
    const ws = this.ws;
    setTimeout(() => this.ws === ws && ws?.open && this.join(settle, reconnected), backoffMs(this.attempt++));
  }

  private event(data: Buffer): void {
    const screen = this.screen;
    screen.received(data.length);
    if (nameAt(data, EVENT_NAME_AT, NAMES.frame)) return apply(screen, readFrame(data, screen.t), performance.now());
    if (nameAt(data, EVENT_NAME_AT, NAMES.resync)) return this.resync();
    apply(screen, readEvent(data, screen.t), performance.now());
  }

  /** This connection skipped frames: join again and take the snapshot as the truth. */
  private resync(): void {
    this.screen.t.resyncs++;
    this.join(() => {}, false);
  }

  command(event: string, payload: object, onAck: AckHandler): void {
    const ws = this.ws;
    if (!ws?.open) return onAck(disconnected);
    const id = this.nextAck++;
    this.acks.set(id, onAck);
    ws.send(`42${id}${JSON.stringify([event, payload])}`);
  }

  close(): Promise<void> {
    this.closing = true;
    if (this.retry) clearTimeout(this.retry);
    this.ws?.destroy();
    return Promise.resolve();
  }
}
