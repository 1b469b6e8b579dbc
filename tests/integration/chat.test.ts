import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChatService } from '../../server/chat/service.js';
import { command, nextEvent, startTestServer, unwrap, type ClientSocket, type TestServer } from '../support/server.js';

describe.each(['sqlite', 'redis'] as const)('live chat on the %s store', (store) => {
  let server: TestServer;
  let moderator: ClientSocket;

  /** A fresh person (their own rate budget) in the town hall, with its chat joined. */
  const person = async (townHallId: string, name = 'Resident', role?: 'officer' | 'moderator') => {
    const socket = await server.connect(role ? await server.staff(role, name) : await server.guest(name));
    const snapshot = unwrap(await command(socket, 'townhall:join', { townHallId })).chat;
    return { socket, snapshot };
  };
  const room = async (moderation: 'pre' | 'post' = 'post') => (await server.townHall({ moderation })).id;
  const chatRef = (id: string) => ({ kind: 'chat' as const, id });

  beforeAll(async () => {
    server = await startTestServer({ store });
    moderator = await server.connect(await server.staff('moderator', 'Mod'));
    unwrap(await command(moderator, 'mod:watch-queue', {}));
  });
  afterAll(() => server.close());

  it('delivers a message to everyone in the town hall, with a badge on staff messages', async () => {
    const townHallId = await room();
    const [ana, ben, officer] = await Promise.all([person(townHallId, 'Ana'), person(townHallId, 'Ben'), person(townHallId, 'Officer Diaz', 'officer')]);
    const seen = [nextEvent(ben.socket, 'chat:message-posted'), nextEvent(officer.socket, 'chat:message-posted')];
    const sent = unwrap(await command(ana.socket, 'chat:send', { townHallId, text: '  Is parking free tonight?  ' }));
    expect(sent).toMatchObject({ text: 'Is parking free tonight?', authorName: 'Ana', authorRole: null, status: 'published', mine: true });
    for (const { message } of await Promise.all(seen)) {
      expect(message).toEqual({ ...sent, mine: undefined });
      expect(message).not.toHaveProperty('mine');
    }
    const reply = nextEvent(ana.socket, 'chat:message-posted', ({ message }) => message.authorName === 'Officer Diaz');
    unwrap(await command(officer.socket, 'chat:send', { townHallId, text: 'Yes, the east lot.' }));
    expect((await reply).message).toMatchObject({ authorRole: 'officer', status: 'published' });
  });

  it('holds a message in a pre-moderated town hall and publishes it to everyone on approval', async () => {
    const townHallId = await room('pre');
    const [ana, ben] = await Promise.all([person(townHallId, 'Ana'), person(townHallId, 'Ben')]);
    const queued = nextEvent(moderator, 'mod:queue-changed', ({ item }) => item.ref.kind === 'chat' && item.text === 'Held until approved');
    let benSawIt = false;
    ben.socket.on('chat:message-posted', ({ message }) => {
      if (message.status !== 'published') benSawIt = true;
    });
    const sent = unwrap(await command(ana.socket, 'chat:send', { townHallId, text: 'Held until approved' }));
    expect(sent).toMatchObject({ status: 'held', holdReason: 'premoderation', mine: true });
    expect((await queued).item.ref).toEqual(chatRef(sent.id));
    const published = nextEvent(ben.socket, 'chat:message-posted', ({ message }) => message.id === sent.id);
    expect(unwrap(await command(moderator, 'mod:decide', { ref: chatRef(sent.id), action: 'approve' }))).toEqual({ status: 'published' });
    expect((await published).message).toMatchObject({ text: 'Held until approved', status: 'published' });
    expect(benSawIt).toBe(false);
  });

  it('holds a message with a filtered word, showing it to its author only', async () => {
    const townHallId = await room();
    const ana = await person(townHallId, 'Ana');
    const sent = unwrap(await command(ana.socket, 'chat:send', { townHallId, text: 'what a dirtycop move' }));
    expect(sent).toMatchObject({ status: 'held', holdReason: 'filter' });
    const again = unwrap(await command(ana.socket, 'townhall:join', { townHallId })).chat;
    expect(again.messages).toEqual([sent]);
    const late = await person(townHallId, 'Late');
    expect(late.snapshot.messages).toEqual([]);
  });

  it('removes a message from every screen at once and from the window late joiners get; a restore brings it back', async () => {
    const townHallId = await room();
    const [ana, ben] = await Promise.all([person(townHallId, 'Ana'), person(townHallId, 'Ben')]);
    const kept = unwrap(await command(ben.socket, 'chat:send', { townHallId, text: 'A fair question' }));
    const bad = unwrap(await command(ana.socket, 'chat:send', { townHallId, text: 'His sister works at the bakery on Elm' }));
    const gone = [ana.socket, ben.socket].map((s) => nextEvent(s, 'chat:removed', (p) => p.messageId === bad.id));
    unwrap(await command(moderator, 'mod:decide', { ref: chatRef(bad.id), action: 'remove', reason: 'personal-information' }));
    for (const removal of await Promise.all(gone)) expect(removal).toEqual({ townHallId, messageId: bad.id });
    const late = await person(townHallId, 'Late');
    expect(late.snapshot.messages.map((m) => m.id)).toEqual([kept.id]);
    expect((await createChatService(server.stores.chat).chatTranscript(townHallId)).map((l) => l.text)).toEqual(['A fair question']);

    const back = nextEvent(late.socket, 'chat:message-posted', ({ message }) => message.id === bad.id);
    unwrap(await command(moderator, 'mod:decide', { ref: chatRef(bad.id), action: 'restore' }));
    expect((await back).message.status).toBe('published');
  });

  it('takes a message hidden by flags off other screens, keeping it for its author', async () => {
    const townHallId = await room();
    const [ana, ...flaggers] = await Promise.all([person(townHallId, 'Ana'), person(townHallId, 'F1'), person(townHallId, 'F2'), person(townHallId, 'F3')]);
    const sent = unwrap(await command(ana.socket, 'chat:send', { townHallId, text: 'buy cheap watches here' }));
    // Flags count from people who took part in the town hall: these three voted on a question.
    const question = unwrap(await command(ana.socket, 'qa:ask', { townHallId, text: 'Where do I park tonight?' }));
    for (const f of flaggers) unwrap(await command(f.socket, 'qa:vote', { questionId: question.id, voted: true }));
    const hiddenForOthers = nextEvent(flaggers[0]!.socket, 'chat:removed', (p) => p.messageId === sent.id);
    const hiddenForAuthor = nextEvent(ana.socket, 'chat:message-posted', ({ message }) => message.id === sent.id && message.status === 'hidden');
    for (const f of flaggers) unwrap(await command(f.socket, 'mod:flag', { ref: chatRef(sent.id), reason: 'spam' }));
    await Promise.all([hiddenForOthers, hiddenForAuthor]);
    expect((await person(townHallId, 'Late')).snapshot.messages).toEqual([]);
  });

  it('refuses a second message in slow mode and says how long to wait', async () => {
    const townHallId = await room();
    const staff = await person(townHallId, 'Mod on duty', 'moderator');
    unwrap(await command(staff.socket, 'mod:set-slow-mode', { townHallId, seconds: 60 }));
    const ana = await person(townHallId, 'Ana');
    expect(ana.snapshot.slowModeSeconds).toBe(60);
    unwrap(await command(ana.socket, 'chat:send', { townHallId, text: 'first' }));
    const second = await command(ana.socket, 'chat:send', { townHallId, text: 'second' });
    expect(second).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } });
    expect(!second.ok && second.error.retryAfterMs).toBeGreaterThan(50_000);
    // Staff are not slowed.
    unwrap(await command(staff.socket, 'chat:send', { townHallId, text: 'one' }));
    unwrap(await command(staff.socket, 'chat:send', { townHallId, text: 'two' }));
  });

  it('refuses a person banned from the town hall, and stores nothing', async () => {
    const townHallId = await room();
    const ana = await person(townHallId, 'Ana');
    const sent = unwrap(await command(ana.socket, 'chat:send', { townHallId, text: 'something rude' }));
    unwrap(await command(moderator, 'mod:sanction', { target: { ref: chatRef(sent.id) }, kind: 'ban', townHallId, reason: 'harassment' }));
    const refused = await command(ana.socket, 'chat:send', { townHallId, text: 'again' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', until: null } });
    expect((await server.stores.chat.allPublished(townHallId)).map((m) => m.text)).toEqual(['something rude']);
  });

  it('accepts 1 and 300 characters and refuses 0 and 301', async () => {
    const townHallId = await room();
    const ana = await person(townHallId, 'Ana');
    unwrap(await command(ana.socket, 'chat:send', { townHallId, text: 'k' }));
    unwrap(await command(ana.socket, 'chat:send', { townHallId, text: '🚓'.repeat(300) }));
    for (const text of ['', '   ', 'x'.repeat(301)]) {
      expect(await command(ana.socket, 'chat:send', { townHallId, text })).toMatchObject({
        ok: false,
        error: { code: 'INVALID_PAYLOAD', fields: ['text'] },
      });
    }
    expect(await command(ana.socket, 'chat:send', { townHallId, text: 'hi', extra: 1 } as never)).toMatchObject({
      ok: false,
      error: { code: 'INVALID_PAYLOAD' },
    });
    expect(await server.stores.chat.allPublished(townHallId)).toHaveLength(2);
  });

  it('sends a late joiner only the last 200 messages while keeping every one for the record', async () => {
    const townHallId = await room();
    for (let i = 1; i <= 230; i++) {
      await server.stores.chat.add({
        townHallId,
        authorId: 'someone-earlier',
        authorName: 'Earlier',
        authorRole: null,
        text: `message ${i}`,
        status: 'published',
        holdReason: null,
        filterHits: [],
      });
    }
    const ana = await person(townHallId, 'Ana');
    unwrap(await command(ana.socket, 'chat:send', { townHallId, text: 'the newest' }));
    const late = await person(townHallId, 'Late');
    const transcript = await createChatService(server.stores.chat).chatTranscript(townHallId);
    expect(transcript).toHaveLength(231);
    expect(transcript).toContainEqual({ at: expect.any(Number), authorName: 'Earlier', authorRole: null, text: 'message 1' });
    expect(transcript.map((l) => l.at)).toEqual(transcript.map((l) => l.at).sort((a, b) => a - b));
    expect(late.snapshot.messages).toHaveLength(200);
    expect(late.snapshot.messages.map((m) => m.text)).toEqual(transcript.slice(-200).map((l) => l.text));
    expect(late.snapshot.messages.map((m) => m.text)).toContain('the newest');
  });

  it('refuses chat to a connection that has not joined the town hall', async () => {
    const townHallId = await room();
    const stranger = await server.connect(await server.guest('Stranger'));
    expect(await command(stranger, 'chat:send', { townHallId, text: 'hello?' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  });

  it('refuses messages once the town hall has ended, while its chat can still be read', async () => {
    const townHallId = (await server.townHall({ status: 'ended' })).id;
    const ana = await person(townHallId, 'Ana');
    expect(await command(ana.socket, 'chat:send', { townHallId, text: 'too late' })).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT' },
    });
    expect(await server.stores.chat.allPublished(townHallId)).toEqual([]);
  });
});
