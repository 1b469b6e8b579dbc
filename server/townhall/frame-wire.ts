// A frame's bytes on the wire, and writing them to many connections (frames.ts; the raw ws bench
// baseline writes its frames the same way). Socket.IO's broadcast costs, for every connection,
// a packet object, three events and a callback in engine.io, and two writes corked into one
// writev in ws; for a crowd's frame ten times a second that was a third of the server's CPU
// beyond the syscall itself. Here a frame is encoded once, as the one WebSocket message it is
// on the wire, and each connection that has nothing queued in engine.io gets those bytes in one
// write. The rest (still polling, or with packets queued that the frame must not overtake) get
// it through engine.io, pre-encoded, as Socket.IO's broadcast would give it.
//
// Reads engine.io 6's and ws 8's internals (pinned: see package.json); the frames tests and the
// crowd benchmark cover them.
import * as ws from 'ws';
import type { AppSocket } from '../core/types.js';

/** One event, encoded once: as engine.io takes it, and as the WebSocket message it becomes. */
export interface EncodedEvent {
  /** Socket.IO's packet for an event to the main namespace, with no acknowledgement. */
  packet: string;
  /** The whole WebSocket text message (header and Engine.IO's message packet), one buffer. */
  wire: [Buffer];
}

/** The part of a ws 8 WebSocket a frame's direct write uses. */
export interface WireSocket {
  readyState: number;
  /** Bytes handed to the socket that the kernel has not taken yet. */
  readonly bufferedAmount: number;
  _sender?: { sendFrame(list: Buffer[], cb?: () => void): void };
}

/** The part of an engine.io 6 connection it uses. */
interface EngineConnection {
  readyState: string;
  /** Packets engine.io holds until its transport can take them. */
  writeBuffer: { data?: string | Buffer }[];
  transport: { name: string; perMessageDeflate?: unknown; socket?: WireSocket };
  write(data: string, options: { wsPreEncodedFrame: Buffer[] }): void;
}

type FrameOptions = { fin: boolean; rsv1: boolean; opcode: number; mask: boolean; readOnly: boolean };
// ws exports its Sender, but @types/ws does not declare it.
const { Sender } = ws as unknown as { Sender: { frame(data: Buffer, options: FrameOptions): Buffer[] } };
const TEXT = { fin: true, rsv1: false, opcode: 1, mask: false, readOnly: false } satisfies FrameOptions;
/** `WebSocket.OPEN`. */
const OPEN = 1;

/**
 * Encodes an event whose payload is plain JSON (no binary), as Socket.IO's parser would ("2",
 * then the JSON array), and its WebSocket message ("4", Engine.IO's message type, before it).
 */
export function encodeEvent(event: string, payload: unknown): EncodedEvent {
  const packet = `2${JSON.stringify([event, payload])}`;
  return { packet, wire: [Buffer.concat(Sender.frame(Buffer.from(`4${packet}`), TEXT))] };
}

/** Writes an encoded message to an open ws socket as it is. */
export function writeWire(socket: WireSocket, wire: [Buffer]): boolean {
  if (socket.readyState !== OPEN || !socket._sender) return false;
  socket._sender.sendFrame(wire);
  return true;
}

/**
 * Writes an encoded event to one Socket.IO connection: straight to its WebSocket when engine.io
 * holds nothing for it (the bytes then follow whatever it wrote before, in order), else through
 * engine.io behind what it holds.
 */
export function writeEncoded(socket: AppSocket, { packet, wire }: EncodedEvent): void {
  const conn = socket.conn as unknown as EngineConnection;
  if (conn.readyState !== 'open') return;
  const direct = conn.transport.name === 'websocket' && !conn.transport.perMessageDeflate ? conn.transport.socket : undefined;
  if (direct && conn.writeBuffer.length === 0 && writeWire(direct, wire)) return;
  conn.write(packet, { wsPreEncodedFrame: wire });
}

/**
 * Bytes written to a Socket.IO connection that have not left for the network yet: what engine.io
 * holds (counted in characters, which is near enough for a threshold) and what the socket does.
 */
export function unsentBytes(socket: AppSocket): number {
  const conn = socket.conn as unknown as EngineConnection;
  let bytes = conn.transport.name === 'websocket' ? (conn.transport.socket?.bufferedAmount ?? 0) : 0;
  for (const { data } of conn.writeBuffer) bytes += typeof data === 'string' ? data.length : (data?.byteLength ?? 0);
  return bytes;
}
