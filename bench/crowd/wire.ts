// The crowd's WebSocket client (RFC 6455), reduced to what ten thousand screens on one core can
// afford. Each crowd screen gets about ten frames a second, each in a TCP read of its own, so
// the per-read cost decides how large a crowd one generator core can read: here a read goes
// from the socket straight into one buffer shared by every connection (`net`'s `onread`, no
// stream), and the WebSocket frames in it are handed over as views of that buffer, to be read
// at once and not kept. The `ws` client did the same work through two streams and several
// events per message, which cost the generator more CPU than reading the frames itself.
import { createHash, randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const HEADER_END = Buffer.from('\r\n\r\n');

/** Every connection reads into this; what a read leaves of a frame is copied out before the next. */
const shared = Buffer.allocUnsafe(256 * 1024);

export interface WireHandlers {
  /** A text or binary message; `data` is valid only during the call. */
  message(data: Buffer): void;
  /** The connection closed (or never opened). */
  close(): void;
}

/** One client connection: `ws://host:port/path`, with extra request headers (the cookie). */
export class Wire {
  private socket: Socket;
  /** The server accepted the WebSocket upgrade. */
  handshaken = false;
  private readonly key = randomBytes(16).toString('base64');
  /** Bytes of an unfinished frame (or of the handshake's answer) left by the previous read. */
  private rest: Buffer | null = null;
  /** Pieces of a message sent in several frames (servers here do not, but the RFC allows it). */
  private fragments: Buffer[] | null = null;
  private closed = false;
  open = false;

  constructor(url: string, headers: Record<string, string>, private readonly on: WireHandlers) {
    const { hostname, port, pathname, search } = new URL(url);
    this.socket = connect({
      host: hostname,
      port: Number(port),
      noDelay: true,
      onread: { buffer: shared, callback: (n: number, buf: Buffer) => this.read(buf.subarray(0, n)) },
    });
    this.socket.on('connect', () => {
      const lines = [
        `GET ${pathname}${search} HTTP/1.1`,
        `Host: ${hostname}:${port}`,
        'Upgrade: websocket',
        'Connection: Upgrade',
        `Sec-WebSocket-Key: ${this.key}`,
        'Sec-WebSocket-Version: 13',
        ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
      ];
      this.socket.write(`${lines.join('\r\n')}\r\n\r\n`);
    });
    this.socket.on('error', () => this.destroy());
    this.socket.on('close', () => this.destroy());
  }

  private read(chunk: Buffer): boolean {
    let data = chunk;
    if (this.rest) {
      data = Buffer.concat([this.rest, chunk]);
      this.rest = null;
    }
    if (!this.handshaken) {
      const end = data.indexOf(HEADER_END);
      if (end < 0) {
        this.rest = Buffer.from(data);
        return true;
      }
      if (!this.accepted(data.toString('latin1', 0, end))) {
        this.destroy();
        return false;
      }
      this.handshaken = true;
      this.open = true;
      data = data.subarray(end + HEADER_END.length);
    }
    let at = 0;
    while (!this.closed) {
      const used = this.frame(data, at);
      if (used === 0) break;
      at += used;
    }
    // Kept past this call: copied out of the shared buffer.
    if (at < data.length && !this.closed) this.rest = Buffer.from(data.subarray(at));
    return true;
  }

  /** The server's answer must switch protocols and prove it read our key. */
  private accepted(head: string): boolean {
    if (!/^HTTP\/1\.1 101/.test(head)) return false;
    const expected = createHash('sha1').update(this.key + GUID).digest('base64');
    return head.toLowerCase().includes(`sec-websocket-accept: ${expected.toLowerCase()}`);
  }

  /** Reads the frame at `at`; returns its length, or 0 when it is not all here yet. */
  private frame(data: Buffer, at: number): number {
    if (data.length - at < 2) return 0;
    const b0 = data[at]!;
    const b1 = data[at + 1]!;
    let length = b1 & 0x7f;
    let header = 2;
    if (length === 126) {
      if (data.length - at < 4) return 0;
      length = data.readUInt16BE(at + 2);
      header = 4;
    } else if (length === 127) {
      if (data.length - at < 10) return 0;
      length = Number(data.readBigUInt64BE(at + 2));
      header = 10;
    }
    // Servers never mask (RFC 6455 5.1); a masked frame from one is a protocol error.
    if (b1 & 0x80) {
      this.destroy();
      return 0;
    }
    if (data.length - at < header + length) return 0;
    const payload = data.subarray(at + header, at + header + length);
    const fin = (b0 & 0x80) !== 0;
    const opcode = b0 & 0x0f;
    if (opcode === 0x8) this.destroy();
    else if (opcode === 0x9) this.write(0xa, payload);
    else if (opcode === 0x0 || opcode === 0x1 || opcode === 0x2) this.data(opcode, fin, payload);
    return header + length;
  }

  private data(opcode: number, fin: boolean, payload: Buffer): void {
    if (opcode !== 0x0 && fin) return this.on.message(payload);
    (this.fragments ??= []).push(Buffer.from(payload));
    if (!fin) return;
    const whole = Buffer.concat(this.fragments);
    this.fragments = null;
    this.on.message(whole);
  }

  /** A text message (masked, as every client frame must be). */
  send(text: string): void {
    if (this.open) this.write(0x1, Buffer.from(text));
  }

  private write(opcode: number, payload: Buffer): void {
    const length = payload.length;
    const header = length < 126 ? 6 : length < 65536 ? 8 : 14;
    const frame = Buffer.allocUnsafe(header + length);
    frame[0] = 0x80 | opcode;
    if (length < 126) frame[1] = 0x80 | length;
    else if (length < 65536) {
      frame[1] = 0x80 | 126;
      frame.writeUInt16BE(length, 2);
    } else {
      frame[1] = 0x80 | 127;
      frame.writeBigUInt64BE(BigInt(length), 2);
    }
    const mask = randomBytes(4);
    mask.copy(frame, header - 4);
    for (let i = 0; i < length; i++) frame[header + i] = payload[i]! ^ mask[i & 3]!;
    this.socket.write(frame);
  }

  /** Closes at once (as `ws`'s terminate): a crowd screen closing has nothing to flush. */
  destroy(): void {
    if (this.closed) return;
    this.closed = true;
    this.open = false;
    this.socket.destroy();
    this.on.close();
  }
}
