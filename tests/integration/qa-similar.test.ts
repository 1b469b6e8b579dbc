// Similar questions while typing (qa:similar), end to end: real server, real clients, both stores,
// and with Redis a second node that must see what the first one was asked.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SIMILAR_RATE } from '../../server/qa/similar.js';
import { freshRedisUrl } from '../support/redis.js';
import { command, startTestServer, unwrap, type ClientSocket, type TestServer } from '../support/server.js';

describe.each(['sqlite', 'redis'] as const)('similar questions on the %s store', (store) => {
  let server: TestServer;
  let townHallId: string;
  let redisUrl: string | undefined;
  const asked: Record<string, string> = {};

  const join = async (socket: ClientSocket, id = townHallId) => (unwrap(await command(socket, 'townhall:join', { townHallId: id })), socket);
  const resident = async (name = 'Resident') => join(await server.connect(await server.guest(name)));
  // Asking is limited to one question every 15 seconds per person: one guest per question.
  const guestAsks = async (text: string, anonymous = false) => unwrap(await command(await resident('Asker'), 'qa:ask', { townHallId, text, anonymous }));

  beforeAll(async () => {
    redisUrl = store === 'redis' ? await freshRedisUrl() : undefined;
    server = await startTestServer({ store, ...(redisUrl ? { redisUrl } : {}) });
    townHallId = (await server.townHall()).id;
    asked.elm = (await guestAsks('When will you add more patrols on Elm Street?', true)).id;
    asked.olmo = (await guestAsks('¿Cuándo habrá más patrullas en la calle Olmo?')).id;
    asked.lights = (await guestAsks('When will you fix the street lights on Oak Street?')).id;
    asked.youth = (await guestAsks('Is there a youth program at the community centre this summer?')).id;
  });
  afterAll(() => server.close());

  it('offers the question a draft asks again, as the public sees it, with its score', async () => {
    const socket = await resident('Typist');
    const found = unwrap(await command(socket, 'qa:similar', { townHallId, text: 'Are there going to be more patrols in Elm St?', locale: 'en' }));
    expect(found.map((s) => s.question.id)).toEqual([asked.elm]);
    const [match] = found;
    expect(match!.score).toBeGreaterThan(0.35);
    expect(match!.score).toBeLessThanOrEqual(1);
    // Anonymous to everyone: no name, no handle, nothing staff-only.
    expect(match!.question).toMatchObject({ text: 'When will you add more patrols on Elm Street?', anonymous: true, authorName: null, status: 'published' });
    expect(match!.question).not.toHaveProperty('authorHandle');
    expect(match!.question).not.toHaveProperty('mine');
  });

  it('offers Spanish questions to a Spanish draft', async () => {
    const socket = await resident('Escribe');
    const found = unwrap(await command(socket, 'qa:similar', { townHallId, text: '¿Van a poner más patrullas en la calle Olmo?', locale: 'es' }));
    expect(found.map((s) => s.question.id)).toEqual([asked.olmo]);
  });

  it('offers nothing for an unrelated draft or a few letters', async () => {
    const socket = await resident();
    expect(unwrap(await command(socket, 'qa:similar', { townHallId, text: 'How do I file a complaint about an officer?' }))).toEqual([]);
    expect(unwrap(await command(socket, 'qa:similar', { townHallId, text: 'Elm' }))).toEqual([]);
  });

  it('never offers a held question, and drops a removed one at once', async () => {
    const held = await guestAsks('Why is the dirtycop still patrolling Maple Avenue at night?');
    expect(held.status).toBe('held');
    const socket = await resident();
    expect(unwrap(await command(socket, 'qa:similar', { townHallId, text: 'Who is patrolling Maple Avenue at night?' }))).toEqual([]);

    const doomed = await guestAsks('Can the skate park on Birch Road stay open later?');
    const draft = { townHallId, text: 'Could the Birch Road skate park stay open later in summer?' };
    expect(unwrap(await command(socket, 'qa:similar', draft)).map((s) => s.question.id)).toEqual([doomed.id]);
    const moderator = await join(await server.connect(await server.staff('moderator')));
    unwrap(await command(moderator, 'mod:decide', { ref: { kind: 'question', id: doomed.id }, action: 'remove', reason: 'spam' }));
    expect(unwrap(await command(socket, 'qa:similar', draft))).toEqual([]);
  });

  it('looks up only in a town hall the connection has joined, and spends no budget when refused', async () => {
    const other = (await server.townHall()).id;
    const socket = await resident();
    for (let i = 0; i < SIMILAR_RATE.points + 2; i++) {
      expect(await command(socket, 'qa:similar', { townHallId: other, text: 'more patrols on Elm Street' })).toMatchObject({
        ok: false,
        error: { code: 'FORBIDDEN' },
      });
    }
    expect(await command(socket, 'qa:similar', { townHallId, text: 'more patrols on Elm Street' })).toMatchObject({ ok: true });
  });

  it('refuses malformed payloads with INVALID_PAYLOAD', async () => {
    const socket = await resident();
    const bad = [
      { townHallId },
      { townHallId, text: 'x'.repeat(2001) },
      { townHallId, text: 'more patrols', locale: 'fr' },
      { townHallId, text: 'more patrols', extra: 1 },
      { townHallId: '../etc', text: 'more patrols' },
    ];
    for (const payload of bad) {
      expect(await command(socket, 'qa:similar', payload as never)).toMatchObject({ ok: false, error: { code: 'INVALID_PAYLOAD' } });
    }
  });

  it('limits how fast one person looks up', async () => {
    const socket = await resident('Fast typist');
    const draft = { townHallId, text: 'more patrols on Elm Street' };
    for (let i = 0; i < SIMILAR_RATE.points; i++) expect(await command(socket, 'qa:similar', draft)).toMatchObject({ ok: true });
    expect(await command(socket, 'qa:similar', draft)).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED', retryAfterMs: expect.any(Number) } });
  });

  it.runIf(store === 'redis')('offers on one node a question asked on another', async () => {
    const second = await startTestServer({ store: 'redis', redisUrl: redisUrl! });
    try {
      const socketA = await resident('On node A');
      const draft = { townHallId, text: 'Will the library on Cedar Lane get a police kiosk?' };
      // Node A builds its index first, so what follows has to reach it from the store.
      expect(unwrap(await command(socketA, 'qa:similar', draft))).toEqual([]);
      const askerB = await join(await second.connect(await second.guest('On node B')));
      const onB = unwrap(await command(askerB, 'qa:ask', { townHallId, text: 'Is a police kiosk coming to the Cedar Lane library?' }));
      await vi.waitFor(
        async () => expect(unwrap(await command(socketA, 'qa:similar', draft)).map((s) => s.question.id)).toEqual([onB.id]),
        { timeout: 8000, interval: 500 },
      );
    } finally {
      await second.close();
    }
  });
});
