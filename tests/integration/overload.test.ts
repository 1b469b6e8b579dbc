// Under overload a node answers residents' commands at once with UNAVAILABLE instead of queuing
// them behind a backlog; staff commands and joining still run. The load monitor's figure is
// replaced here by a switch, so the rule is tested without overloading the test process.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shedUnderLoad } from '../../server/core/command.js';
import { command, startTestServer, unwrap, type TestServer } from '../support/server.js';

describe('a node under overload', () => {
  let server: TestServer;
  let overloaded = false;

  beforeAll(async () => {
    server = await startTestServer();
    shedUnderLoad(server.app.io, () => overloaded);
  });
  afterAll(() => server.close());

  it('refuses residents’ commands with UNAVAILABLE and a wait, changing nothing, and keeps staff and joins working', async () => {
    const host = await server.staff('officer', 'Officer Lee');
    const { id: townHallId } = await server.townHall({ moderation: 'post', hosts: [{ id: host.me.id, displayName: 'Officer Lee' }] });
    const resident = await server.connect(await server.guest('Ana'));
    const officer = await server.connect(host);
    for (const s of [resident, officer]) unwrap(await command(s, 'townhall:join', { townHallId }));
    const question = unwrap(await command(officer, 'qa:ask', { townHallId, text: 'Asked before the rush', anonymous: false }));

    overloaded = true;
    expect(await command(resident, 'qa:vote', { questionId: question.id, voted: true })).toEqual({
      ok: false,
      error: { code: 'UNAVAILABLE', message: expect.any(String), retryAfterMs: 1000 },
    });
    expect(await command(resident, 'chat:send', { townHallId, text: 'hello' })).toMatchObject({ ok: false, error: { code: 'UNAVAILABLE' } });
    // Coming into the room is never refused for load, nor is hosting.
    expect(unwrap(await command(resident, 'townhall:join', { townHallId })).qa.questions.find((q) => q.id === question.id)?.votes).toBe(0);
    unwrap(await command(officer, 'qa:set-answer-state', { questionId: question.id, state: 'answering' }));

    overloaded = false;
    expect(unwrap(await command(resident, 'qa:vote', { questionId: question.id, voted: true })).votes).toBe(1);
    for (const s of [resident, officer]) s.disconnect();
  });
});
