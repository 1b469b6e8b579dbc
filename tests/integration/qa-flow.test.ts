import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { QuestionView } from '../../shared/qa.js';
import { command, nextEvent, startTestServer, unwrap, type ClientSocket, type TestServer } from '../support/server.js';

describe.each(['sqlite', 'redis'] as const)('live Q&A on the %s store', (store) => {
  let server: TestServer;
  let townHallId: string;
  let alice: ClientSocket, bob: ClientSocket, officer: ClientSocket, moderator: ClientSocket;

  beforeAll(async () => {
    server = await startTestServer({ store });
    const officerSession = await server.staff('officer', 'Sgt. Reyes');
    townHallId = (await server.townHall({ hosts: [{ id: officerSession.me.id, displayName: 'Sgt. Reyes' }] })).id;
    [officer, moderator] = await Promise.all([server.connect(officerSession), server.staff('moderator').then(server.connect)]);
    for (const s of [officer, moderator]) unwrap(await command(s, 'townhall:join', { townHallId }));
  });
  // Fresh residents for every test: asking is limited to one question per 15 s per person.
  beforeEach(async () => {
    [alice, bob] = await Promise.all([server.guest('Alice').then(server.connect), server.guest('Bob').then(server.connect)]);
    for (const s of [alice, bob]) unwrap(await command(s, 'townhall:join', { townHallId }));
  });
  afterAll(() => server.close());

  it('carries a question from asking to answered and removed on every screen', async () => {
    const bobSees = nextEvent(bob, 'qa:question-changed', (p) => p.question.text === 'Is the park safe at night?');
    const asked = unwrap(await command(alice, 'qa:ask', { townHallId, text: '  Is the park safe at night?  ' }));
    expect(asked).toMatchObject({ status: 'published', mine: true, votes: 0, authorName: 'Alice' });
    expect((await bobSees).question.id).toBe(asked.id);

    const tallied = nextEvent(officer, 'qa:votes-tallied', (p) => p.votes[asked.id] === 1);
    expect(unwrap(await command(bob, 'qa:vote', { questionId: asked.id, voted: true })).votes).toBe(1);
    expect(unwrap(await command(bob, 'qa:vote', { questionId: asked.id, voted: true })).votes).toBe(1);
    await tallied;

    const aliceSeesAnswer = nextEvent(alice, 'qa:question-changed', (p) => p.question.answer !== null);
    unwrap(await command(officer, 'qa:set-answer-state', { questionId: asked.id, state: 'answering' }));
    unwrap(await command(officer, 'qa:answer', { questionId: asked.id, text: 'Patrols run there until 2 a.m.' }));
    const answered = (await aliceSeesAnswer).question;
    expect(answered).toMatchObject({ answerState: 'answered', votes: 1 });
    expect(answered.answer).toMatchObject({ text: 'Patrols run there until 2 a.m.', byName: 'Sgt. Reyes' });

    const gone = [alice, bob, officer].map((s) => nextEvent(s, 'qa:question-removed', (p) => p.questionId === asked.id));
    const removed = await command(moderator, 'mod:decide', { ref: { kind: 'question', id: asked.id }, action: 'remove', reason: 'off-topic' });
    expect(removed).toEqual({ ok: true, data: { status: 'removed' } });
    await Promise.all(gone);
    for (const s of [alice, bob, officer, moderator]) {
      const snapshot = unwrap(await command(s, 'townhall:join', { townHallId })).qa;
      expect(snapshot.questions.map((q) => q.id)).not.toContain(asked.id);
    }
  });

  it('refuses to let a resident approve, remove or answer, and changes nothing', async () => {
    const q = unwrap(await command(bob, 'qa:ask', { townHallId, text: 'When is the next bike registration day?' }));
    const attempts = await Promise.all([
      command(alice, 'mod:decide', { ref: { kind: 'question', id: q.id }, action: 'remove', reason: 'spam' }),
      command(alice, 'mod:decide', { ref: { kind: 'question', id: q.id }, action: 'approve' }),
      command(alice, 'qa:answer', { questionId: q.id, text: 'Never' }),
      command(alice, 'qa:set-answer-state', { questionId: q.id, state: 'answered' }),
      command(alice, 'qa:set-moderation', { townHallId, moderation: 'pre' }),
    ]);
    for (const a of attempts) expect(a).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    const stored = await server.stores.questions.getQuestion(q.id);
    expect(stored).toMatchObject({ status: 'published', answerState: 'open', answer: null });
    expect((await server.app.townHalls.require(townHallId)).moderation).toBe('post');
  });

  it('holds a question that trips the word filter for review', async () => {
    let bobSawIt = false;
    const watch = (p: { question: QuestionView }) => {
      if (p.question.text.includes('d1rtyc0p')) bobSawIt = true;
    };
    bob.on('qa:question-changed', watch);
    const staffSees = nextEvent(moderator, 'qa:question-changed', (p) => p.question.status === 'held');
    const held = unwrap(await command(alice, 'qa:ask', { townHallId, text: 'Why is that d1rtyc0p still on duty?' }));
    expect(held).toMatchObject({ status: 'held', holdReason: 'filter', mine: true });
    expect(held.filterHits).toBeUndefined();
    const staffCopy = (await staffSees).question;
    expect(staffCopy.filterHits).toEqual([{ source: 'department', term: 'dirtycop' }]);
    expect(unwrap(await command(bob, 'townhall:join', { townHallId })).qa.questions.map((q) => q.id)).not.toContain(held.id);
    expect(unwrap(await command(alice, 'townhall:join', { townHallId })).qa.questions.find((q) => q.id === held.id)).toMatchObject({
      status: 'held',
    });

    const bobGetsIt = nextEvent(bob, 'qa:question-changed', (p) => p.question.id === held.id);
    unwrap(await command(moderator, 'mod:decide', { ref: { kind: 'question', id: held.id }, action: 'approve' }));
    expect((await bobGetsIt).question.status).toBe('published');
    bob.off('qa:question-changed', watch);
    expect(bobSawIt).toBe(true);
  });

  it('holds every resident question in pre-moderation until a moderator approves it', async () => {
    const room = (await server.townHall({ moderation: 'pre' })).id;
    for (const s of [alice, bob, moderator]) unwrap(await command(s, 'townhall:join', { townHallId: room }));
    const q = unwrap(await command(bob, 'qa:ask', { townHallId: room, text: 'Can we get a crosswalk on 5th?' }));
    expect(q).toMatchObject({ status: 'held', holdReason: 'premoderation' });
    const rejected = nextEvent(bob, 'qa:question-removed', (p) => p.questionId === q.id);
    unwrap(await command(moderator, 'mod:decide', { ref: { kind: 'question', id: q.id }, action: 'reject', reason: 'other', note: 'duplicate' }));
    await rejected;
    const again = await command(moderator, 'mod:decide', { ref: { kind: 'question', id: q.id }, action: 'approve' });
    expect(again).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
  });

  it('shows an anonymous question with no trace of the asker to residents and a pseudonym to staff', async () => {
    const bobSees = nextEvent(bob, 'qa:question-changed', (p) => p.question.text.startsWith('Who reviews complaints'));
    const officerSees = nextEvent(officer, 'qa:question-changed', (p) => p.question.text.startsWith('Who reviews complaints'));
    unwrap(await command(alice, 'qa:ask', { townHallId, text: 'Who reviews complaints against officers?', anonymous: true }));
    const publicCopy = (await bobSees).question;
    expect(publicCopy.authorName).toBeNull();
    expect(publicCopy.authorHandle).toBeUndefined();
    expect(JSON.stringify(publicCopy)).not.toContain('Alice');
    const staffCopy = (await officerSees).question;
    expect(staffCopy.authorName).toBeNull();
    expect(staffCopy.authorHandle).toMatch(/^R-[A-Z0-9]{5}$/);
    const bobSnapshot = unwrap(await command(bob, 'townhall:join', { townHallId })).qa;
    expect(JSON.stringify(bobSnapshot.questions.find((q) => q.id === publicCopy.id))).not.toContain('Alice');
  });
});
