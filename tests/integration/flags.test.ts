// Flags that a crowd of strangers cannot weaponise: only people who took part in a place (or
// hold an account older than the set age) count toward hiding an item; flags never hide staff
// content or an ended town hall's; and a moderator's decision starts the count again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContentRef } from '../../shared/moderation.js';
import { command, startTestServer, unwrap, type ClientSocket, type Session, type TestServer } from '../support/server.js';

describe.each(['sqlite', 'redis'] as const)('flags on the %s store', (store) => {
  let server: TestServer;
  let moderator: ClientSocket, officer: ClientSocket, admin: ClientSocket;
  let officerSession: Session;
  let categoryId: string;

  beforeAll(async () => {
    server = await startTestServer({ store, flagThreshold: 3 });
    officerSession = await server.staff('officer', 'Sgt. Kim');
    [moderator, officer, admin] = await Promise.all([
      server.staff('moderator', 'Mod Lee').then(server.connect),
      server.connect(officerSession),
      server.staff('admin', 'Admin Ada').then(server.connect),
    ]);
    unwrap(await command(moderator, 'mod:watch-queue', {}));
    categoryId = unwrap(await command(admin, 'forum:create-category', { name: 'Neighbourhood', description: '' })).id;
  });
  afterAll(() => server.close());

  const question = (id: string): ContentRef => ({ kind: 'question', id });
  const post = (id: string): ContentRef => ({ kind: 'post', id });
  const live = async () => (await server.townHall({ hosts: [{ id: officerSession.me.id, displayName: 'Sgt. Kim' }] })).id;
  /** A brand-new guest who has joined the town hall and done nothing else. */
  const joined = async (townHallId: string, name: string) => {
    const socket = await server.connect(await server.guest(name));
    unwrap(await command(socket, 'townhall:join', { townHallId }));
    return socket;
  };
  const crowd = (townHallId: string, prefix: string, n = 3) =>
    Promise.all(Array.from({ length: n }, (_, i) => joined(townHallId, `${prefix} ${i + 1}`)));
  const flag = async (socket: ClientSocket, ref: ContentRef) => unwrap(await command(socket, 'mod:flag', { ref, reason: 'spam' }));
  const publicThread = async (threadId: string) => (await fetch(`${server.url}/api/forum/threads/${threadId}`)).status;
  const reply = async (socket: ClientSocket, threadId: string, body: string) =>
    unwrap(await command(socket, 'forum:reply', { threadId, body }));

  it('takes reports from people who only joined, but does not let them hide a question', async () => {
    const townHallId = await live();
    const author = await joined(townHallId, 'Author');
    const q = unwrap(await command(author, 'qa:ask', { townHallId, text: 'When does the pool reopen?' }));
    for (const stranger of await crowd(townHallId, 'Stranger')) {
      expect(await flag(stranger, question(q.id))).toEqual({ flagged: true });
    }
    expect((await server.stores.questions.getQuestion(q.id))?.status).toBe('published');
    expect(await server.stores.moderation.queue.getQueueEntry(question(q.id))).toMatchObject({ reason: 'flagged', flags: 3 });
  });

  it('hides a question once three people who took part in the town hall flag it', async () => {
    const townHallId = await live();
    const author = await joined(townHallId, 'Author');
    const q = unwrap(await command(author, 'qa:ask', { townHallId, text: 'Buy cheap watches at my shop' }));
    const voters = await crowd(townHallId, 'Voter');
    for (const voter of voters) unwrap(await command(voter, 'qa:vote', { questionId: q.id, voted: true }));
    for (const voter of voters) await flag(voter, question(q.id));
    expect((await server.stores.questions.getQuestion(q.id))?.status).toBe('hidden');
  });

  it('does not count a flag from a socket that has not joined the town hall, even from someone who took part', async () => {
    const townHallId = await live();
    const author = await joined(townHallId, 'Author');
    const q = unwrap(await command(author, 'qa:ask', { townHallId, text: 'Spam spam spam' }));
    const sessions = await Promise.all([1, 2, 3].map((i) => server.guest(`Voter ${i}`)));
    for (const session of sessions) {
      const inRoom = await server.connect(session);
      unwrap(await command(inRoom, 'townhall:join', { townHallId }));
      unwrap(await command(inRoom, 'qa:vote', { questionId: q.id, voted: true }));
      // The same person, from a connection that never joined the town hall.
      await flag(await server.connect(session), question(q.id));
    }
    expect((await server.stores.questions.getQuestion(q.id))?.status).toBe('published');
  });

  it('counts flags from accounts older than the set age, and not from new accounts', async () => {
    const register = async (target: TestServer, name: string): Promise<ClientSocket> => {
      const res = await fetch(`${target.url}/api/session/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ displayName: name, username: `u${Math.random().toString(36).slice(2, 10)}`, password: 'a long enough password' }),
      });
      const cookie = res.headers.getSetCookie()[0]!.split(';')[0]!;
      return target.connect({ cookie, me: ((await res.json()) as { me: Session['me'] }).me });
    };
    const attempt = async (target: TestServer) => {
      const townHallId = (await target.townHall()).id;
      const author = await target.connect(await target.guest('Author'));
      unwrap(await command(author, 'townhall:join', { townHallId }));
      const q = unwrap(await command(author, 'qa:ask', { townHallId, text: 'A question members dislike' }));
      for (const name of ['Member A', 'Member B', 'Member C']) await flag(await register(target, name), question(q.id));
      return (await target.stores.questions.getQuestion(q.id))?.status;
    };
    // Accounts made a moment ago are younger than the default 72 hours.
    expect(await attempt(server)).toBe('published');
    const anyAccount = await startTestServer({ store, flagThreshold: 3, flagAccountAgeHours: 0 });
    try {
      expect(await attempt(anyAccount)).toBe('hidden');
    } finally {
      await anyAccount.close();
    }
  });

  it("never hides an ended town hall's answered question, and leaves its record byte for byte unchanged", async () => {
    const townHallId = await live();
    unwrap(await command(officer, 'townhall:join', { townHallId }));
    const author = await joined(townHallId, 'Asker');
    const q = unwrap(await command(author, 'qa:ask', { townHallId, text: 'Will the library stay open late?' }));
    const voters = await crowd(townHallId, 'Voter');
    for (const voter of voters) unwrap(await command(voter, 'qa:vote', { questionId: q.id, voted: true }));
    unwrap(await command(officer, 'qa:set-answer-state', { questionId: q.id, state: 'answered' }));
    unwrap(await command(officer, 'townhall:end', { townHallId }));

    const record = async () =>
      (await (await fetch(`${server.url}/api/townhalls/${townHallId}/record`)).text()).replace(/"generatedAt":\d+/, '"generatedAt":0');
    const before = await record();
    expect(JSON.parse(before).record.questions.summary).toMatchObject({ answered: 1, removed: 0 });
    // Three brand-new guests, then the three who voted while it was live.
    for (const stranger of await crowd(townHallId, 'Stranger')) await flag(stranger, question(q.id));
    for (const voter of voters) await flag(voter, question(q.id));

    expect((await server.stores.questions.getQuestion(q.id))?.status).toBe('published');
    expect(await record()).toBe(before);
    expect(await server.stores.moderation.queue.getQueueEntry(question(q.id))).toMatchObject({ reason: 'flagged', flags: 6 });
    const actions = (await server.stores.audit.list(0, 10_000)).filter((e) => e.target === `question:${q.id}`);
    expect(actions).toEqual([]);
  });

  it("never hides a moderator's forum thread or an officer's chat message by flags, only queues them", async () => {
    const { thread, post: opening } = unwrap(
      await command(moderator, 'forum:create-thread', { categoryId, title: 'Rules of this forum', body: 'Be kind.' }),
    );
    const readers = await Promise.all(['R1', 'R2', 'R3'].map(async (name) => server.connect(await server.guest(name))));
    for (const [i, r] of readers.entries()) await reply(r, thread.id, `I read the rules (${i}).`);
    for (const r of readers) await flag(r, post(opening.id));
    expect(await publicThread(thread.id)).toBe(200);
    expect(await server.stores.moderation.queue.getQueueEntry(post(opening.id))).toMatchObject({ reason: 'flagged', flags: 3 });

    const townHallId = await live();
    unwrap(await command(officer, 'townhall:join', { townHallId }));
    const message = unwrap(await command(officer, 'chat:send', { townHallId, text: 'The east lot is open.' }));
    const chatters = await crowd(townHallId, 'Chatter');
    for (const [i, c] of chatters.entries()) unwrap(await command(c, 'chat:send', { townHallId, text: `Thanks (${i})` }));
    for (const c of chatters) await flag(c, { kind: 'chat', id: message.id });
    expect((await server.stores.chat.get(message.id))?.status).toBe('published');
    expect(await server.stores.moderation.queue.getQueueEntry({ kind: 'chat', id: message.id })).toMatchObject({ reason: 'flagged' });
  });

  it('lets only new people hide an item again after a moderator restored it', async () => {
    const author = await server.connect(await server.guest('Thread author'));
    const { thread, post: opening } = unwrap(
      await command(author, 'forum:create-thread', { categoryId, title: 'Is the park safe at night?', body: 'Asking for my kids.' }),
    );
    const participants = async (prefix: string, n: number) => {
      const people = await Promise.all(Array.from({ length: n }, async (_, i) => server.connect(await server.guest(`${prefix} ${i}`))));
      for (const [i, p] of people.entries()) await reply(p, thread.id, `${prefix} replies (${i}).`);
      return people;
    };
    const first = await participants('First', 3);
    for (const p of first) await flag(p, post(opening.id));
    expect(await publicThread(thread.id)).toBe(404);

    unwrap(await command(moderator, 'mod:decide', { ref: post(opening.id), action: 'restore' }));
    expect(await publicThread(thread.id)).toBe(200);
    // The earlier flaggers again, then one new person: it stays up.
    for (const p of first) await flag(p, post(opening.id));
    const [one, two, three] = await participants('Second', 3);
    await flag(one!, post(opening.id));
    expect(await publicThread(thread.id)).toBe(200);
    expect(await server.stores.moderation.queue.getQueueEntry(post(opening.id))).toMatchObject({ reason: 'flagged', flags: 1 });
    // Three new, distinct people who took part reach the threshold again.
    await flag(two!, post(opening.id));
    await flag(three!, post(opening.id));
    expect(await publicThread(thread.id)).toBe(404);
  });
});
