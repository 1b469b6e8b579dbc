// A lightweight member of the crowd: just enough Engine.IO v4 / Socket.IO v5 over `ws` to join a
// town hall, vote, ask and chat, and to recognise the three events it measures by their first
// bytes. Everything else is counted, never parsed, so thousands fit on one core.
import WebSocket from 'ws';
import { CHAT_MARK, QUESTION_MARK, readInt, type Screen, type Tracker } from './measure.js';

/** The acknowledgement of one command: `ok` from its first bytes; `result()` parses it in full. */
export interface AckReply {
  ok: boolean;
  result(): { ok: boolean; data?: unknown; error?: { code: string } };
}
export type AckHandler = (reply: AckReply) => void;

/** What the generator needs of any client, light or real. */
export interface BenchClient {
  readonly screen: Screen;
  /** Connects and joins the town hall; resolves false on any failure. */
  start(): Promise<boolean>;
  command(event: string, payload: object, onAck: AckHandler): void;
  close(): Promise<void>;
}

const frame = (text: string) => Buffer.from(text);
const TALLIED = frame('42["qa:votes-tallied"');
const QUESTION = frame('42["qa:question-changed"');
const CHAT = frame('42["chat:message-posted"');
const VOTES = frame('"votes":{');
const ACK_OK = frame('[{"ok":true');
const JOIN_TIMEOUT_MS = 120_000;

const startsWith = (buf: Buffer, prefix: Buffer) => buf.length >= prefix.length && buf.compare(prefix, 0, prefix.length, 0, prefix.length) === 0;

export class CrowdClient implements BenchClient {
  private ws: WebSocket | null = null;
  private nextAck = 1;
  private readonly acks = new Map<number, AckHandler>();

  constructor(
    private readonly url: string,
    private readonly cookie: string,
    private readonly townHallId: string,
    private readonly tracker: Tracker,
    readonly screen: Screen,
  ) {}

  start(): Promise<boolean> {
    return new Promise((resolve) => {
      const wsUrl = `${this.url.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`;
      // The server's JSON is trusted here; validating every frame's UTF-8 in JS would cost the
      // generator more than parsing what it measures.
      const ws = new WebSocket(wsUrl, { headers: { cookie: this.cookie }, perMessageDeflate: false, skipUTF8Validation: true });
      this.ws = ws;
      let settled = false;
      const settle = (ok: boolean) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(ok);
      };
      const timer = setTimeout(() => settle(false), JOIN_TIMEOUT_MS);
      ws.on('error', () => settle(false));
      ws.on('close', () => settle(false));
      ws.on('message', (data: Buffer) => {
        const type = data[0];
        if (type === 0x34 /* 4: a Socket.IO packet */) return this.packet(data, settle);
        if (type === 0x32 /* 2: ping */) return ws.send('3');
        if (type === 0x30 /* 0: open */) return ws.send('40');
      });
    });
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
      handler({ ok: startsWith(body, ACK_OK), result: () => (JSON.parse(body.toString()) as [never])[0] });
      return;
    }
    if (kind === 0x30 /* 0: connected */) {
      this.command('townhall:join', { townHallId: this.townHallId }, (reply) => settle(reply.ok));
      return;
    }
    if (kind === 0x34 /* 4: connect error */) settle(false);
  }

  private event(data: Buffer): void {
    const screen = this.screen;
    screen.received(data.length);
    if (startsWith(data, TALLIED)) return this.tallied(data);
    if (startsWith(data, QUESTION)) {
      const at = data.indexOf(QUESTION_MARK, QUESTION.length);
      if (at >= 0) screen.question(readInt(data, at + 2), performance.now());
      return;
    }
    if (startsWith(data, CHAT)) {
      const at = data.indexOf(CHAT_MARK, CHAT.length);
      if (at >= 0) screen.chat(readInt(data, at + 2), performance.now());
    }
  }

  /** Walks `"votes":{"<id>":<n>,…}` without building objects. */
  private tallied(data: Buffer): void {
    let i = data.indexOf(VOTES, TALLIED.length);
    if (i < 0) return;
    const now = performance.now();
    i += VOTES.length;
    while (i < data.length && data[i] === 0x22 /* " */) {
      const close = data.indexOf(0x22, i + 1);
      const id = data.toString('latin1', i + 1, close);
      const count = readInt(data, close + 2);
      const index = this.tracker.hotIndex.get(id);
      if (index !== undefined) this.screen.tally(index, count, now);
      i = close + 2;
      while (i < data.length && data[i] !== 0x2c /* , */ && data[i] !== 0x7d /* } */) i++;
      if (data[i] === 0x2c) i++;
      else break;
    }
  }

  command(event: string, payload: object, onAck: AckHandler): void {
    const id = this.nextAck++;
    this.acks.set(id, onAck);
    this.ws?.send(`42${id}${JSON.stringify([event, payload])}`);
  }

  close(): Promise<void> {
    const ws = this.ws;
    if (!ws || ws.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      ws.once('close', () => resolve());
      ws.terminate();
    });
  }
}
