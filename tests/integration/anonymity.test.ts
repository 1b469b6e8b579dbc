// Anonymous means anonymous to moderators too: nothing a moderator receives names the author of
// an anonymous item or links it to their other items; moderators still time out, ban and lift by
// the item's reference; only an admin can reveal the author, with a reason on the record.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClientToServerEvents } from '../../shared/events.js';
import type { ContentRef } from '../../shared/moderation.js';
import { command, nextEvent, startTestServer, unwrap, type ClientSocket, type Session, type TestServer } from '../support/server.js';

describe.each(['sqlite', 'redis'] as const)('anonymous authors on the %s store', (store) => {
  let server: TestServer;
  let townHallId: string;
  let mod1: ClientSocket, mod2: ClientSocket, admin: ClientSocket;
  /** Every fact and acknowledgement the two moderators received while the test watched. */
  const seen: unknown[] = [];
  let watching = false;

  beforeAll(async () => {
    server = await startTestServer({ store, flagThreshold: 3 });
    townHallId = (await server.townHall()).id;
    [mod1, mod2, admin] = await Promise.all([
      server.staff('moderator', 'Mod One').then(server.connect),
      server.staff('moderator', 'Mod Two').then(server.connect),
      server.staff('admin', 'Admin Ada').then(server.connect),
    ]);
    for (const m of [mod1, mod2]) {
      unwrap(await command(m, 'mod:watch-queue', {}));
      m.onAny((event: string, ...args: unknown[]) => {
        if (watching) seen.push({ event, args });
      });
    }
  });
  afterAll(() => server.close());

  /** A moderator's command whose acknowledgement is kept with what they saw. */
  const as = async <E extends keyof ClientToServerEvents>(m: ClientSocket, event: E, payload: Parameters<ClientToServerEvents[E]>[0]) => {
    const result = await command(m, event, payload);
    if (watching) seen.push({ event, result });
    return result;
  };
  const person = async (name: string): Promise<{ socket: ClientSocket; session: Session }> => {
    const session = await server.guest(name);
    const socket = await server.connect(session);
    unwrap(await command(socket, 'townhall:join', { townHallId }));
    return { socket, session };
  };
  const question = (id: string): ContentRef => ({ kind: 'question', id });

  it('gives moderators neither the id, the name nor the other items of an anonymous asker, from flags to the record', async () => {
    const sam = await person('Secret Sam');
    // Sam also wrote under their name, and a moderator removed it (a notice with its excerpt).
    const named = unwrap(await command(sam.socket, 'chat:send', { townHallId, text: 'NAMED-CHAT-TEXT about my street' }));
    unwrap(await command(mod1, 'mod:decide', { ref: { kind: 'chat', id: named.id }, action: 'remove', reason: 'off-topic' }));
    const q = unwrap(await command(sam.socket, 'qa:ask', { townHallId, text: 'Is the chief under investigation?', anonymous: true }));
    const ref = question(q.id);

    watching = true;
    const voters = await Promise.all(['V1', 'V2', 'V3'].map(person));
    for (const v of voters) unwrap(await command(v.socket, 'qa:vote', { questionId: q.id, voted: true }));
    const hidden = nextEvent(mod1, 'mod:queue-changed', (p) => p.item.ref.id === q.id && p.item.status === 'hidden');
    for (const v of voters) unwrap(await command(v.socket, 'mod:flag', { ref, reason: 'harassment' }));
    const { item } = await hidden;
    expect(item).toMatchObject({ authorName: null, authorId: null, authorHandle: expect.stringMatching(/^R-/) });

    unwrap(await as(mod1, 'mod:watch-queue', {}));
    unwrap(await as(mod1, 'mod:claim', { ref }));
    const timeout = unwrap(await as(mod1, 'mod:sanction', { target: { ref }, kind: 'timeout', minutes: 5, reason: 'harassment' }));
    const panel = unwrap(await as(mod1, 'mod:user', { target: { ref } }));
    expect(panel).toMatchObject({ displayName: item.authorHandle, userId: null });
    expect(panel.active.map((s) => s.id)).toEqual([timeout.id]);
    unwrap(await as(mod1, 'mod:decide', { ref, action: 'remove', reason: 'harassment' }));

    const appealed = nextEvent(mod2, 'mod:queue-changed', (p) => p.item.ref.id === q.id && p.item.reason === 'appealed');
    unwrap(await command(sam.socket, 'mod:appeal', { ref, text: 'It was a fair question.' }));
    await appealed;
    unwrap(await as(mod2, 'mod:decide-appeal', { ref, outcome: 'upheld' }));
    unwrap(await as(mod2, 'mod:user', { target: { ref } }));
    unwrap(await as(mod2, 'mod:audit', { afterSeq: 0, limit: 500 }));
    unwrap(await as(mod2, 'mod:lift', { sanctionId: timeout.id }));
    watching = false;

    expect(seen.length).toBeGreaterThan(10);
    const everything = JSON.stringify(seen);
    expect(everything).not.toContain(sam.session.me.id);
    expect(everything).not.toContain('Secret Sam');
    expect(everything).not.toContain('NAMED-CHAT-TEXT');
    // The timeout was given and lifted all the same.
    expect(await server.stores.moderation.sanctions.sanctionsOf(sam.session.me.id)).toMatchObject([{ id: timeout.id, liftedBy: expect.any(String) }]);
  });

  it("keeps an anonymous author's sanctions and a named person's sanctions in separate panels, enforcing both", async () => {
    const pat = await person('Pat Named');
    const named = unwrap(await command(pat.socket, 'chat:send', { townHallId, text: 'Pat says hello' }));
    const q = unwrap(await command(pat.socket, 'qa:ask', { townHallId, text: 'ANON-QUESTION-TEXT about patrols', anonymous: true }));
    const chatRef: ContentRef = { kind: 'chat', id: named.id };

    const timeout = unwrap(await command(mod1, 'mod:sanction', { target: { ref: chatRef }, kind: 'timeout', minutes: 5, reason: 'spam' }));
    expect(timeout.userId).toBe(pat.session.me.id);
    unwrap(await command(mod1, 'mod:lift', { sanctionId: timeout.id }));
    const ban = unwrap(await command(mod1, 'mod:sanction', { target: { ref: question(q.id) }, kind: 'ban', townHallId, reason: 'threat' }));
    expect(ban.userId).toBeNull();
    expect(await command(pat.socket, 'chat:send', { townHallId, text: 'still here?' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });

    const anonymousPanel = unwrap(await command(mod2, 'mod:user', { target: { ref: question(q.id) } }));
    expect(anonymousPanel.sanctions.map((s) => s.id)).toEqual([ban.id]);
    const namedPanel = unwrap(await command(mod2, 'mod:user', { target: { userId: pat.session.me.id } }));
    expect(namedPanel).toMatchObject({ displayName: 'Pat Named', userId: pat.session.me.id, active: [] });
    expect(namedPanel.sanctions.map((s) => s.id)).toEqual([timeout.id]);
    expect(JSON.stringify(namedPanel)).not.toContain(ban.id);
    expect(JSON.stringify(namedPanel)).not.toContain('ANON-QUESTION-TEXT');
    expect(JSON.stringify(anonymousPanel)).not.toContain(timeout.id);

    const audit = unwrap(await command(mod2, 'mod:audit', { afterSeq: 0, limit: 500 }));
    const banEntry = audit.find((e) => e.action === 'ban' && e.note?.startsWith(`townhall:${townHallId}`));
    expect(banEntry?.target).not.toContain(pat.session.me.id);
    expect(audit.find((e) => e.action === 'timeout' && e.target === `user:${pat.session.me.id}`)).toBeDefined();

    unwrap(await command(mod2, 'mod:lift', { sanctionId: ban.id }));
    unwrap(await command(pat.socket, 'chat:send', { townHallId, text: 'back again' }));
  });

  it('lets only an admin reveal an anonymous author, with a reason written to the moderation record', async () => {
    const kai = await person('Kai Hidden');
    const q = unwrap(await command(kai.socket, 'qa:ask', { townHallId, text: 'A threat, anonymously', anonymous: true }));
    const ref = question(q.id);
    expect(await command(mod1, 'mod:reveal-author', { ref, reason: 'A credible threat' })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    expect(await command(admin, 'mod:reveal-author', { ref, reason: '' })).toMatchObject({ ok: false, error: { code: 'INVALID_PAYLOAD' } });
    const before = await server.stores.audit.head();
    const revealed = unwrap(await command(admin, 'mod:reveal-author', { ref, reason: 'A credible threat against an officer' }));
    expect(revealed).toEqual({ userId: kai.session.me.id, displayName: 'Kai Hidden' });
    const [entry, ...more] = await server.stores.audit.list(before?.seq ?? 0, 10);
    expect(more).toEqual([]);
    expect(entry).toMatchObject({ action: 'reveal', actorName: 'Admin Ada', target: `question:${q.id}`, reason: 'A credible threat against an officer' });
    expect(JSON.stringify(entry)).not.toContain(kai.session.me.id);
  });
});
