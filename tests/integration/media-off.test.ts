import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { command, nextEvent, startTestServer, unwrap, type TestServer } from '../support/server.js';

describe('a server without video', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it('answers media and stage commands with UNAVAILABLE and still runs the Q&A', async () => {
    const townHallId = (await server.townHall({ status: 'live' })).id;
    const [resident, other] = await Promise.all([server.guest('Rosa').then(server.connect), server.guest('Ben').then(server.connect)]);
    for (const socket of [resident, other]) unwrap(await command(socket, 'townhall:join', { townHallId }));

    const join = await command(resident, 'media:join', { townHallId });
    expect(join).toEqual({ ok: false, error: { code: 'UNAVAILABLE', message: 'Video is off on this server; questions and chat still work.' } });
    expect(await command(resident, 'media:create-transport', { townHallId, direction: 'recv' })).toMatchObject({ ok: false, error: { code: 'UNAVAILABLE' } });
    expect(await command(resident, 'stage:raise-hand', { townHallId })).toMatchObject({ ok: false, error: { code: 'UNAVAILABLE' } });

    const seen = nextEvent(other, 'qa:question-changed');
    const asked = unwrap(await command(resident, 'qa:ask', { townHallId, text: 'When does the new patrol schedule start?' }));
    expect(asked.status).toBe('published');
    expect((await seen).question.id).toBe(asked.id);
  });
});
