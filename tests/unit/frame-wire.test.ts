import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { Encoder, PacketType } from 'socket.io-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { encodeEvent, writeWire, type WireSocket } from '../../server/townhall/frame-wire.js';

describe('a frame encoded once for the wire', () => {
  let wss: WebSocketServer;
  beforeAll(async () => {
    wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await once(wss, 'listening');
  });
  afterAll(() => wss.close());
  const payload = { townHallId: 't1', facts: [['chat:message-added', { text: 'é'.repeat(70_000) }]] };

  it('is the packet Socket.IO’s own encoder makes', () => {
    const [expected] = new Encoder().encode({ type: PacketType.EVENT, nsp: '/', data: ['townhall:frame', payload] });
    expect(encodeEvent('townhall:frame', payload).packet).toBe(expected);
  });

  it('reaches a WebSocket client as one text message holding Engine.IO’s message packet', async () => {
    const client = new WebSocket(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`);
    const [server] = (await once(wss, 'connection')) as [WebSocket];
    // Past 65,535 bytes the header takes the 64-bit length: the longest form.
    const received = once(client, 'message');
    const { packet, wire } = encodeEvent('townhall:frame', payload);
    expect(writeWire(server as unknown as WireSocket, wire)).toBe(true);
    const [data, isBinary] = (await received) as [Buffer, boolean];
    expect(isBinary).toBe(false);
    expect(data.toString()).toBe(`4${packet}`);
    client.close();
    await once(server, 'close');
    expect(writeWire(server as unknown as WireSocket, wire)).toBe(false);
  });
});
