// A command sent without an acknowledgement is ignored; the log hears of it once per
// connection and command, however often the client repeats it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { command, startTestServer, unwrap, type TestServer } from '../support/server.js';

describe('commands without an acknowledgement', () => {
  let server: TestServer;
  let townHallId: string;
  const lines: { msg: string; event?: string; socket?: string }[] = [];

  beforeAll(async () => {
    const log = pino({ level: 'warn' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
    server = await startTestServer({ log });
    townHallId = (await server.townHall()).id;
  });
  afterAll(() => server.close());

  it('logs one warning per connection and command, however many are sent', async () => {
    const sockets = await Promise.all([server.connect(await server.guest('Flo')), server.connect(await server.guest('Gus'))]);
    for (const socket of sockets) {
      const untyped = socket as unknown as { emit(event: string, ...args: unknown[]): void };
      for (let i = 0; i < 200; i++) {
        untyped.emit('qa:ask', { townHallId, text: `no ack ${i}` });
        untyped.emit('qa:vote', { questionId: 'q', voted: true });
      }
      // Events on one connection arrive in order: once this is answered, every one above was seen.
      unwrap(await command(socket, 'townhall:join', { townHallId }));
    }
    const warnings = lines.filter((l) => l.msg === 'command without acknowledgement ignored');
    expect(warnings.map((w) => `${w.socket} ${w.event}`).sort()).toEqual(
      sockets.flatMap((s) => [`${s.id} qa:ask`, `${s.id} qa:vote`]).sort(),
    );
  });
});
