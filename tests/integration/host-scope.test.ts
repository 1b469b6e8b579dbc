import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { command, startTestServer, unwrap, type ClientSocket, type Session, type TestServer } from '../support/server.js';

// An officer is staff everywhere, but runs only the town halls they host: every command that
// runs one is tried by another officer, then by its host and by an admin who is not listed.
describe('who runs a town hall', () => {
  let server: TestServer;
  let hostSession: Session;

  beforeAll(async () => {
    server = await startTestServer();
    hostSession = await server.staff('officer', 'Sgt. Host');
  });
  afterAll(() => server.close());

  /** A live town hall hosted by Sgt. Host, with a published question, a draft poll and an open one. */
  async function room() {
    const { id: townHallId } = await server.townHall({ hosts: [{ id: hostSession.me.id, displayName: 'Sgt. Host' }] });
    const join = async (session: Session): Promise<ClientSocket> => {
      const socket = await server.connect(session);
      unwrap(await command(socket, 'townhall:join', { townHallId }));
      return socket;
    };
    const [host, asker] = await Promise.all([join(hostSession), server.guest('Asker').then(join)]);
    const question = unwrap(await command(asker, 'qa:ask', { townHallId, text: 'When does the new beat start?' }));
    const poll = { townHallId, kind: 'single' as const, question: 'Which park first?', options: ['North', 'South'] };
    const draft = unwrap(await command(host, 'poll:create', poll));
    const open = unwrap(await command(host, 'poll:open', { pollId: unwrap(await command(host, 'poll:create', poll)).id }));
    return { townHallId, join, host, question, draft, open, poll };
  }

  /** Every hosts-only command once, against a fresh room, by this person. */
  async function runEverything(as: (join: (s: Session) => Promise<ClientSocket>) => Promise<ClientSocket>) {
    const r = await room();
    const socket = await as(r.join);
    const results = {
      answering: await command(socket, 'qa:set-answer-state', { questionId: r.question.id, state: 'answering' }),
      answer: await command(socket, 'qa:answer', { questionId: r.question.id, text: 'Next Monday.' }),
      moderation: await command(socket, 'qa:set-moderation', { townHallId: r.townHallId, moderation: 'pre' }),
      create: await command(socket, 'poll:create', r.poll),
      launch: await command(socket, 'poll:open', { pollId: r.draft.id }),
      close: await command(socket, 'poll:close', { pollId: r.open.id }),
      slowMode: await command(socket, 'mod:set-slow-mode', { townHallId: r.townHallId, seconds: 30 }),
    };
    return { r, results };
  }

  it('refuses an officer who does not host it every command that runs it, and changes nothing', async () => {
    const { r, results } = await runEverything(async (join) => join(await server.staff('officer', 'Sgt. Other')));
    for (const result of Object.values(results)) {
      expect(result).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', message: expect.stringMatching(/^Only this town hall's hosts can /) } });
    }
    const stored = await server.stores.questions.getQuestion(r.question.id);
    expect(stored).toMatchObject({ answerState: 'open', answer: null });
    expect((await server.app.townHalls.require(r.townHallId)).moderation).toBe('post');
    const polls = await server.stores.polls.listPolls(r.townHallId);
    expect(polls.map((p) => p.status).sort()).toEqual(['draft', 'open']);
    expect(await server.stores.moderation.queue.getSlowMode({ kind: 'townhall', id: r.townHallId })).toBe(0);
  });

  it('lets the host run every command', async () => {
    const { results } = await runEverything((join) => join(hostSession));
    for (const result of Object.values(results)) expect(result).toMatchObject({ ok: true });
  });

  it('lets an admin who is not listed as a host run every command', async () => {
    const { results } = await runEverything(async (join) => join(await server.staff('admin')));
    for (const result of Object.values(results)) expect(result).toMatchObject({ ok: true });
  });

  it('lets a moderator set slow mode anywhere, but not run the answers, polls or moderation mode', async () => {
    const { results } = await runEverything(async (join) => join(await server.staff('moderator')));
    expect(results.slowMode).toMatchObject({ ok: true, data: { seconds: 30 } });
    const { slowMode: _, ...hostsOnly } = results;
    for (const result of Object.values(hostsOnly)) expect(result).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  });
});
