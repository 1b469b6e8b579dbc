// Baseline (a), the practical ceiling: a raw `ws` server that speaks just enough Engine.IO v4 /
// Socket.IO v5 for the same clients, keeps the town hall in memory, coalesces tallies on the
// same interval as Roundtable, and writes each broadcast's bytes, encoded once, to every socket.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { coalescedTallies, createBaselineState } from './baseline-state.js';
import { serveCoordinator } from './baseline-state.js';

const tallyIntervalMs = Number(process.env.BENCH_TALLY_MS ?? 100);
const http = createServer();
const wss = new WebSocketServer({ server: http, path: '/socket.io/', perMessageDeflate: false });
const state = createBaselineState();
const rooms = new Map<string, Set<WebSocket>>();
let sids = 0;

function broadcast(townHallId: string, event: string, payload: unknown): void {
  const frame = Buffer.from(`42${JSON.stringify([event, payload])}`);
  for (const ws of rooms.get(townHallId) ?? []) ws.send(frame, { binary: false });
}
const tallies = coalescedTallies(tallyIntervalMs, (townHallId, votes) => broadcast(townHallId, 'qa:votes-tallied', { townHallId, votes }));

wss.on('connection', (ws) => {
  const sid = `s${++sids}`;
  const joined = new Set<string>();
  ws.send(`0${JSON.stringify({ sid, upgrades: [], pingInterval: 25000, pingTimeout: 20000, maxPayload: 1e6 })}`);
  ws.on('message', (data: Buffer) => {
    const text = data.toString();
    if (text === '40' || text.startsWith('40{')) return ws.send(`40{"sid":"${sid}"}`);
    if (!text.startsWith('42')) return;
    const open = text.indexOf('[');
    const ackId = text.slice(2, open);
    const [event, payload] = JSON.parse(text.slice(open)) as [string, Record<string, unknown>];
    const ack = (result: unknown) => ackId && ws.send(`43${ackId}${JSON.stringify([result])}`);
    if (event === 'townhall:join') {
      const townHallId = String(payload.townHallId);
      let room = rooms.get(townHallId);
      if (!room) rooms.set(townHallId, (room = new Set()));
      room.add(ws);
      joined.add(townHallId);
      return ack({ ok: true, data: state.join(townHallId) });
    }
    const outcome = state.command(event, payload, ws);
    if (!outcome) return ack({ ok: false, error: { code: 'NOT_FOUND', message: 'No such question.' } });
    ack({ ok: true, data: outcome.data });
    if (outcome.voted) tallies.record(outcome.voted.townHallId, outcome.voted.questionId, outcome.voted.votes);
    else if (outcome.broadcast) broadcast(String(payload.townHallId), ...outcome.broadcast);
  });
  ws.on('close', () => {
    for (const id of joined) rooms.get(id)?.delete(ws);
  });
});

http.listen(0, '127.0.0.1', () => {
  serveCoordinator((http.address() as AddressInfo).port, async () => {
    tallies.close();
    for (const ws of wss.clients) ws.terminate();
    await new Promise<void>((resolve) => wss.close(() => http.close(() => resolve())));
  });
});
