// Baseline (a), the practical ceiling of Roundtable's design: a raw `ws` server that speaks just
// enough Engine.IO v4 / Socket.IO v5 for the same clients, keeps the town hall in memory, and
// sends the same frames on the same tick policy: each room gathers what changed during a tick
// (tallies merged into one absolute `qa:votes-tallied`), encodes one `townhall:frame` and writes
// those bytes to every connection; the tick lengthens with the room's size; a connection whose
// outgoing buffer is over the threshold skips frames and gets `townhall:resync` once drained.
// Environment: BENCH_TALLY_MS (the shortest tick), BENCH_FRAME_BUDGET (writes a second),
// BENCH_FRAME_BUFFER_BYTES (the threshold).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { createBaselineState, serveCoordinator } from './baseline-state.js';
import type { FrameStats } from './protocol.js';

const baseTickMs = Number(process.env.BENCH_TALLY_MS ?? 100);
const writesPerSecond = Number(process.env.BENCH_FRAME_BUDGET ?? 100_000);
const bufferThreshold = Number(process.env.BENCH_FRAME_BUFFER_BYTES ?? 1 << 20);

/** The tick a room of `attendees` gets: its frames must fit the budget of writes a second. */
const tickFor = (attendees: number): number => Math.max(baseTickMs, Math.ceil((attendees * 1000) / writesPerSecond));

interface Connection {
  ws: WebSocket;
  /** Frames were skipped since the last one written: the next write is a resync. */
  behind: boolean;
}

interface Room {
  id: string;
  connections: Set<Connection>;
  /** Facts of this tick, each encoded once as `["event",payload]`. */
  facts: string[];
  /** Absolute counts of the questions voted on this tick. */
  votes: Record<string, number> | null;
  tickMs: number;
  /** When the last frame went out: ticks keep their cadence, so a fact waits half a tick on average. */
  lastTick: number;
  timer: NodeJS.Timeout | null;
}

const http = createServer();
const wss = new WebSocketServer({ server: http, path: '/socket.io/', perMessageDeflate: false });
const state = createBaselineState();
const rooms = new Map<string, Room>();
const stats: FrameStats = { tickMs: baseTickMs, lagMs: 0, skippedFrames: 0, resyncs: 0, sampledChat: 0 };
let sids = 0;

function roomOf(id: string): Room {
  let room = rooms.get(id);
  if (!room) rooms.set(id, (room = { id, connections: new Set(), facts: [], votes: null, tickMs: baseTickMs, lastTick: 0, timer: null }));
  return room;
}

function gather(room: Room, event: string, payload: unknown): void {
  room.facts.push(JSON.stringify([event, payload]));
  schedule(room);
}

/** A room ticks only while it has something to send, on the cadence of its last tick. */
function schedule(room: Room): void {
  if (room.timer) return;
  const now = performance.now();
  const planned = Math.max(now, room.lastTick + room.tickMs);
  room.timer = setTimeout(() => {
    room.timer = null;
    room.lastTick = performance.now();
    stats.lagMs = Math.max(0, room.lastTick - planned);
    flush(room);
  }, planned - now);
}

function flush(room: Room): void {
  if (room.votes) room.facts.push(JSON.stringify(['qa:votes-tallied', { townHallId: room.id, votes: room.votes }]));
  room.votes = null;
  const facts = room.facts;
  room.facts = [];
  room.tickMs = tickFor(room.connections.size);
  stats.tickMs = Math.max(baseTickMs, ...[...rooms.values()].map((r) => r.tickMs));
  if (!facts.length) return;
  const frame = Buffer.from(`42["townhall:frame",{"townHallId":${JSON.stringify(room.id)},"facts":[${facts.join(',')}]}]`);
  let resync: Buffer | null = null;
  for (const c of room.connections) {
    if (c.ws.bufferedAmount > bufferThreshold) {
      c.behind = true;
      stats.skippedFrames++;
      continue;
    }
    if (c.behind) {
      c.behind = false;
      stats.resyncs++;
      resync ??= Buffer.from(`42${JSON.stringify(['townhall:resync', { townHallId: room.id }])}`);
      c.ws.send(resync, { binary: false });
    }
    c.ws.send(frame, { binary: false });
  }
}

wss.on('connection', (ws) => {
  const sid = `s${++sids}`;
  const connection: Connection = { ws, behind: false };
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
      roomOf(townHallId).connections.add(connection);
      joined.add(townHallId);
      return ack({ ok: true, data: state.join(townHallId) });
    }
    const outcome = state.command(event, payload, ws);
    if (!outcome) return ack({ ok: false, error: { code: 'NOT_FOUND', message: 'No such question.' } });
    ack({ ok: true, data: outcome.data });
    if (outcome.voted) {
      const room = roomOf(outcome.voted.townHallId);
      (room.votes ??= {})[outcome.voted.questionId] = outcome.voted.votes;
      schedule(room);
    } else if (outcome.broadcast) gather(roomOf(String(payload.townHallId)), ...outcome.broadcast);
  });
  ws.on('close', () => {
    for (const id of joined) rooms.get(id)?.connections.delete(connection);
  });
});

http.listen(0, '127.0.0.1', () => {
  serveCoordinator(
    (http.address() as AddressInfo).port,
    async () => {
      for (const room of rooms.values()) if (room.timer) clearTimeout(room.timer);
      for (const ws of wss.clients) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => http.close(() => resolve())));
    },
    () => ({ ...stats }),
  );
});
