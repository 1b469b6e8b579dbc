// Baseline (b): a naive Socket.IO server that broadcasts every vote's new count to the whole
// room the moment it arrives, as a first version of live Q&A would. Same commands, same payloads.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { createBaselineState, serveCoordinator } from './baseline-state.js';

const http = createServer();
const io = new Server(http, { serveClient: false });
const state = createBaselineState();

io.on('connection', (socket) => {
  socket.on('townhall:join', (payload: { townHallId: string }, ack: (r: unknown) => void) => {
    void socket.join(payload.townHallId);
    ack({ ok: true, data: state.join(payload.townHallId) });
  });
  for (const event of ['qa:ask', 'qa:vote', 'chat:send']) {
    socket.on(event, (payload: Record<string, unknown>, ack: (r: unknown) => void) => {
      const outcome = state.command(event, payload, socket.id);
      if (!outcome) return ack({ ok: false, error: { code: 'NOT_FOUND', message: 'No such question.' } });
      ack({ ok: true, data: outcome.data });
      if (outcome.broadcast) io.to(String(payload.townHallId ?? outcome.voted?.townHallId)).emit(...outcome.broadcast);
    });
  }
});

http.listen(0, '127.0.0.1', () => {
  serveCoordinator((http.address() as AddressInfo).port, () => new Promise((resolve) => io.close(() => resolve())));
});
