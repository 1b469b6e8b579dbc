import { io as connectClient } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { command, nextEvent, startTestServer, unwrap, type ClientSocket, type TestServer } from '../support/server.js';

describe.each(['sqlite', 'redis'] as const)('Q&A guards on the %s store', (store) => {
  let server: TestServer;
  let townHallId: string;

  beforeAll(async () => {
    server = await startTestServer({ store, tallyIntervalMs: 200 });
    townHallId = (await server.townHall()).id;
  });
  afterAll(() => server.close());

  const resident = async (name = 'Resident') => {
    const socket = await server.connect(await server.guest(name));
    unwrap(await command(socket, 'townhall:join', { townHallId }));
    return socket;
  };
  const raw = (socket: ClientSocket, event: string, ...args: unknown[]) =>
    (socket.timeout(5000) as unknown as { emitWithAck(e: string, ...a: unknown[]): Promise<unknown> }).emitWithAck(
      event,
      ...args,
    );

  it('refuses a connection without a session', async () => {
    const socket = connectClient(server.url, { transports: ['websocket'], forceNew: true, reconnection: false });
    const error = await new Promise<Error>((resolve) => socket.once('connect_error', resolve));
    expect(error.message).toBe('UNAUTHENTICATED');
    socket.close();
  });

  it('refuses a forged session cookie', async () => {
    const real = await server.guest('Mallory');
    const forged = real.cookie.replace(/\.[^.]+$/, '.AAAA');
    await expect(server.connect({ ...real, cookie: forged })).rejects.toThrow('UNAUTHENTICATED');
  });

  it('refuses a connection from an origin outside the allowlist', async () => {
    const { cookie } = await server.guest('Eve');
    const socket = connectClient(server.url, {
      transports: ['websocket'],
      extraHeaders: { cookie, origin: 'https://evil.example' },
      forceNew: true,
      reconnection: false,
    });
    await new Promise((resolve) => socket.once('connect_error', resolve));
    expect(socket.connected).toBe(false);
    socket.close();
  });

  it('answers malformed payloads with INVALID_PAYLOAD and stores nothing', async () => {
    const socket = await resident();
    const before = (await server.stores.questions.listVisible(townHallId)).length;
    const bad: unknown[][] = [
      [{ townHallId }],
      [{ townHallId, text: '' }],
      [{ townHallId, text: '   \n  ' }],
      [{ townHallId, text: 'x'.repeat(501) }],
      [{ townHallId, text: 42 }],
      [{ townHallId, text: 'ok', anonymous: 'yes' }],
      [{ townHallId, text: 'ok', extra: true }],
      [{ townHallId: '../../etc', text: 'ok' }],
      ['just a string'],
      [null],
      [{ townHallId, text: 'ok' }, 'second payload'],
    ];
    for (const args of bad) {
      const result = (await raw(socket, 'qa:ask', ...args)) as { ok: boolean; error?: { code: string } };
      expect(result, JSON.stringify(args).slice(0, 80)).toMatchObject({ ok: false, error: { code: 'INVALID_PAYLOAD' } });
    }
    expect((await server.stores.questions.listVisible(townHallId)).length).toBe(before);
    const vote = await raw(socket, 'qa:vote', { questionId: 'nope!', voted: true });
    expect(vote).toMatchObject({ ok: false, error: { code: 'INVALID_PAYLOAD', fields: ['questionId'] } });
  });

  it('ignores unknown events and commands without an acknowledgement, and keeps serving', async () => {
    const socket = await resident();
    const untyped = socket as unknown as { emit(event: string, ...args: unknown[]): void };
    untyped.emit('admin:drop-tables', { all: true });
    untyped.emit('qa:ask', { townHallId, text: 'no ack here' });
    const after = unwrap(await command(socket, 'townhall:join', { townHallId })).qa;
    expect(after.questions.map((q) => q.text)).not.toContain('no ack here');
  });

  it('disconnects a client that sends an oversized message and keeps serving others', async () => {
    const big = await resident();
    const other = await resident();
    const dropped = new Promise((resolve) => big.once('disconnect', resolve));
    big.emit('qa:ask', { townHallId, text: 'x'.repeat(100 * 1024) }, () => {});
    await dropped;
    expect(unwrap(await command(other, 'townhall:join', { townHallId })).qa.townHallId).toBe(townHallId);
  });

  it('keeps HTML in a question as plain text', async () => {
    const socket = await resident();
    const text = '<img src=x onerror=alert(1)> <b>bold?</b>';
    const q = unwrap(await command(socket, 'qa:ask', { townHallId, text }));
    expect(q.text).toBe(text);
  });

  it('limits asking to one question per 15 seconds and says when to retry', async () => {
    const socket = await resident();
    unwrap(await command(socket, 'qa:ask', { townHallId, text: 'First question' }));
    const second = await command(socket, 'qa:ask', { townHallId, text: 'Second question' });
    expect(second.ok).toBe(false);
    if (second.ok) return;
    expect(second.error.code).toBe('RATE_LIMITED');
    expect(second.error.retryAfterMs).toBeGreaterThan(10_000);
    expect(second.error.retryAfterMs).toBeLessThanOrEqual(15_000);
  });

  it('refuses commands for a town hall the person has not joined', async () => {
    const other = (await server.townHall()).id;
    const socket = await resident();
    const result = await command(socket, 'qa:ask', { townHallId: other, text: 'Sneaky' });
    expect(result).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    const missing = await command(socket, 'townhall:join', { townHallId: 'AAAAAAAAAAAAAAAA' });
    expect(missing).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });

  it('spends no rate budget on a command refused for a town hall not joined', async () => {
    const other = (await server.townHall()).id;
    const socket = await resident('Patient');
    // One question per 15 s: three refusals first, and the question in the joined room still goes.
    for (let i = 0; i < 3; i++) {
      expect(await command(socket, 'qa:ask', { townHallId: other, text: `Not here ${i}` })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    }
    unwrap(await command(socket, 'qa:ask', { townHallId, text: 'Asked where I joined' }));
  });

  it('spends no vote budget on votes refused for a question in a town hall not joined', async () => {
    const other = (await server.townHall()).id;
    const elsewhere = await server.connect(await server.guest('Elsewhere'));
    unwrap(await command(elsewhere, 'townhall:join', { townHallId: other }));
    const far = unwrap(await command(elsewhere, 'qa:ask', { townHallId: other, text: 'A question over there' }));
    const socket = await resident('Thrifty');
    const mine = unwrap(await command(await resident('Asker here'), 'qa:ask', { townHallId, text: 'A question in my town hall' }));
    // Ten votes a second: twelve refusals first, and the vote where this person joined still counts.
    for (let i = 0; i < 12; i++) {
      expect(await command(socket, 'qa:vote', { questionId: far.id, voted: true })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    }
    expect(unwrap(await command(socket, 'qa:vote', { questionId: mine.id, voted: true })).votes).toBe(1);
  });

  it('counts one vote per person across tabs, reconnections and replays', async () => {
    const asker = await resident('Asker');
    const q = unwrap(await command(asker, 'qa:ask', { townHallId, text: 'Count my vote once' }));
    const voter = await server.guest('Voter');
    const tab1 = await server.connect(voter);
    const tab2 = await server.connect(voter);
    for (const t of [tab1, tab2]) unwrap(await command(t, 'townhall:join', { townHallId }));
    const otherTabHears = nextEvent(tab2, 'qa:my-vote-changed', (p) => p.questionId === q.id);
    const results = await Promise.all([
      command(tab1, 'qa:vote', { questionId: q.id, voted: true }),
      command(tab2, 'qa:vote', { questionId: q.id, voted: true }),
      command(tab1, 'qa:vote', { questionId: q.id, voted: true }),
    ]);
    expect(results.map((r) => unwrap(r).votes)).toEqual([1, 1, 1]);
    expect((await otherTabHears).voted).toBe(true);
    tab1.disconnect();
    const tab3 = await server.connect(voter);
    const snapshot = unwrap(await command(tab3, 'townhall:join', { townHallId })).qa;
    expect(snapshot.myVotes).toContain(q.id);
    expect(unwrap(await command(tab3, 'qa:vote', { questionId: q.id, voted: true })).votes).toBe(1);
    expect((await server.stores.questions.getQuestion(q.id))?.votes).toBe(1);
  });

  it('coalesces a burst of votes into a few tallies that end at the true count', async () => {
    const asker = await resident('Popular');
    const q = unwrap(await command(asker, 'qa:ask', { townHallId, text: 'Vote for me' }));
    const watcher = await resident('Watcher');
    const tallies: number[] = [];
    watcher.on('qa:votes-tallied', (p) => {
      const n = p.votes[q.id];
      if (n !== undefined) tallies.push(n);
    });
    const voters = await Promise.all(Array.from({ length: 30 }, (_, i) => resident(`Voter ${i}`)));
    const last = nextEvent(watcher, 'qa:votes-tallied', (p) => p.votes[q.id] === 30);
    await Promise.all(voters.map((v) => command(v, 'qa:vote', { questionId: q.id, voted: true })));
    await last;
    expect(tallies.at(-1)).toBe(30);
    expect(tallies.length).toBeLessThan(10);
  });

  it('refuses votes on a held question', async () => {
    const asker = await resident();
    const held = unwrap(await command(asker, 'qa:ask', { townHallId, text: 'hold me, you shit' }));
    expect(held.status).toBe('held');
    const voter = await resident();
    const vote = await command(voter, 'qa:vote', { questionId: held.id, voted: true });
    expect(vote).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
  });

  it('gives the second of two racing moderators CONFLICT', async () => {
    const asker = await resident();
    const q = unwrap(await command(asker, 'qa:ask', { townHallId, text: 'fuuuuck the rules' }));
    const m1 = await server.connect(await server.staff('moderator'));
    const m2 = await server.connect(await server.staff('moderator'));
    for (const m of [m1, m2]) unwrap(await command(m, 'townhall:join', { townHallId }));
    const results = await Promise.all([
      command(m1, 'mod:decide', { ref: { kind: 'question', id: q.id }, action: 'approve' }),
      command(m2, 'mod:decide', { ref: { kind: 'question', id: q.id }, action: 'reject', reason: 'harassment' }),
    ]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    const loser = results.find((r) => !r.ok);
    expect(loser).toMatchObject({ ok: false, error: { code: expect.stringMatching(/CONFLICT|NOT_FOUND/) } });
  });

  it('refuses staff commands for a town hall the staff member has not joined', async () => {
    const asker = await resident();
    const q = unwrap(await command(asker, 'qa:ask', { townHallId, text: 'Staff must be in the room' }));
    // An admin hosts every town hall, so joining is all that is missing.
    const officer = await server.connect(await server.staff('admin'));
    const results = await Promise.all([
      command(officer, 'qa:answer', { questionId: q.id, text: 'From outside' }),
      command(officer, 'qa:set-moderation', { townHallId, moderation: 'pre' }),
    ]);
    for (const r of results) expect(r).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  });

  it('keeps held questions and their rejection from captioners and other residents', async () => {
    const captioner = await server.connect(await server.staff('captioner'));
    const moderator = await server.connect(await server.staff('moderator'));
    for (const s of [captioner, moderator]) unwrap(await command(s, 'townhall:join', { townHallId }));
    const bystander = await resident('Bystander');
    const seen: string[] = [];
    for (const s of [captioner, bystander]) {
      s.on('qa:question-changed', (p) => seen.push(p.question.id));
      s.on('qa:question-removed', (p) => seen.push(p.questionId));
    }
    const asker = await resident();
    const held = unwrap(await command(asker, 'qa:ask', { townHallId, text: 'this shit is held' }));
    expect(unwrap(await command(captioner, 'townhall:join', { townHallId })).qa.questions.map((q) => q.id)).not.toContain(held.id);
    const askerTold = nextEvent(asker, 'qa:question-removed', (p) => p.questionId === held.id);
    unwrap(await command(moderator, 'mod:decide', { ref: { kind: 'question', id: held.id }, action: 'reject', reason: 'harassment' }));
    await askerTold;
    // A later public question reaching the bystander shows the earlier events had their chance to arrive.
    const later = nextEvent(bystander, 'qa:question-changed', (p) => p.question.text === 'A later question');
    await command(await resident(), 'qa:ask', { townHallId, text: 'A later question' });
    await later;
    expect(seen).not.toContain(held.id);
  });

  it('shows staff a pseudonym only on anonymous questions', async () => {
    const officer = await server.connect(await server.staff('officer'));
    unwrap(await command(officer, 'townhall:join', { townHallId }));
    const asker = await server.connect(await server.guest('Dana'));
    unwrap(await command(asker, 'townhall:join', { townHallId }));
    const named = unwrap(await command(asker, 'qa:ask', { townHallId, text: 'Named question' }));
    const snapshot = unwrap(await command(officer, 'townhall:join', { townHallId })).qa;
    const staffCopy = snapshot.questions.find((q) => q.id === named.id);
    expect(staffCopy).toMatchObject({ authorName: 'Dana' });
    expect(staffCopy?.authorHandle).toBeUndefined();
  });

  it('ends open connections when the person signs out', async () => {
    const session = await server.guest('Leaving');
    const socket = await server.connect(session);
    const ended = new Promise((resolve) => socket.once('disconnect', resolve));
    const res = await fetch(`${server.url}/api/session/logout`, { method: 'POST', headers: { cookie: session.cookie } });
    expect(res.status).toBe(200);
    await ended;
  });
});
