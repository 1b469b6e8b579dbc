// Merging duplicate questions end to end: a host or moderator folds questions into one, every
// screen follows, askers are told, the audit chain and the record keep it, and it can be undone
// until the town hall ends.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyChain } from '../../server/moderation/audit.js';
import type { TownHallRecordView } from '../../shared/record.js';
import { command, nextEvent, startTestServer, unwrap, type ClientSocket, type Session, type TestServer } from '../support/server.js';

describe.each(['sqlite', 'redis'] as const)('merging questions on the %s store', (store) => {
  let server: TestServer;
  let officerSession: Session;
  let officer: ClientSocket, otherOfficer: ClientSocket, moderator: ClientSocket;

  beforeAll(async () => {
    server = await startTestServer({ store, tallyIntervalMs: 20 });
    officerSession = await server.staff('officer', 'Sgt. Reyes');
    [officer, otherOfficer, moderator] = await Promise.all([
      server.connect(officerSession),
      server.staff('officer', 'Sgt. Other').then(server.connect),
      server.staff('moderator', 'Mod Mia').then(server.connect),
    ]);
  });
  afterAll(() => server.close());

  async function newTownHall() {
    const townHallId = (await server.townHall({ hosts: [{ id: officerSession.me.id, displayName: 'Sgt. Reyes' }] })).id;
    for (const s of [officer, otherOfficer, moderator]) unwrap(await command(s, 'townhall:join', { townHallId }));
    return townHallId;
  }
  /** A resident in the town hall (asking is limited per person, so each question has its own asker). */
  async function resident(townHallId: string, name: string) {
    const socket = await server.connect(await server.guest(name));
    unwrap(await command(socket, 'townhall:join', { townHallId }));
    return socket;
  }
  const ask = async (s: ClientSocket, townHallId: string, text: string) => unwrap(await command(s, 'qa:ask', { townHallId, text }));
  const vote = async (s: ClientSocket, questionId: string) => unwrap(await command(s, 'qa:vote', { questionId, voted: true }));

  /** Three askers with a question each, and two voters: Vic for both duplicates, Wes for one. */
  async function duplicates() {
    const townHallId = await newTownHall();
    const [ann, ben, cat, vic, wes] = await Promise.all(['Ann', 'Ben', 'Cat', 'Vic', 'Wes'].map((n) => resident(townHallId, n)));
    const target = await ask(ann!, townHallId, 'Why were patrols on Elm Street cut?');
    const dupe1 = await ask(ben!, townHallId, 'Where did the Elm Street patrols go?');
    const dupe2 = await ask(cat!, townHallId, 'Elm St patrols: why fewer?');
    await vote(vic!, target.id);
    await vote(vic!, dupe1.id);
    await vote(wes!, dupe1.id);
    return { townHallId, ann: ann!, ben: ben!, cat: cat!, vic: vic!, wes: wes!, target, dupe1, dupe2 };
  }

  it('folds duplicates into one question on every screen, counting each voter once', async () => {
    const { townHallId, ann, ben, vic, wes, target, dupe1, dupe2 } = await duplicates();
    const onEveryScreen = [ann, vic, wes, moderator].map((s) =>
      nextEvent(s, 'qa:question-changed', (p) => p.question.id === target.id && p.question.alsoAskedBy === 2),
    );
    const leaves = [vic, wes].flatMap((s) => [dupe1, dupe2].map((d) => nextEvent(s, 'qa:question-removed', (p) => p.questionId === d.id)));
    const supportMoves = nextEvent(wes, 'qa:questions-merged', (p) => p.targetId === target.id);
    const benTold = nextEvent(ben, 'mod:notice-sent', (p) => p.notice.ref.id === dupe1.id);
    const benSeesWhere = nextEvent(ben, 'qa:question-merged', (p) => p.question.id === dupe1.id);
    const staffSees = nextEvent(moderator, 'qa:question-merged', (p) => p.question.id === dupe2.id);

    const merged = unwrap(await command(officer, 'qa:merge', { targetId: target.id, sourceIds: [dupe1.id, dupe2.id] }));
    expect(merged).toMatchObject({ question: { id: target.id, votes: 2, alsoAskedBy: 2 }, questionIds: [dupe1.id, dupe2.id] });

    for (const seen of await Promise.all(onEveryScreen)) expect(seen.question).toMatchObject({ votes: 2, alsoAskedBy: 2 });
    await Promise.all(leaves);
    expect((await supportMoves).questionIds).toEqual([dupe1.id, dupe2.id]);
    expect((await benTold).notice).toMatchObject({ action: 'merge', canAppeal: false, excerpt: 'Where did the Elm Street patrols go?' });
    expect((await benSeesWhere).question).toMatchObject({ status: 'merged', mine: true, mergedInto: { id: target.id, text: target.text } });
    expect((await staffSees).question).toMatchObject({ status: 'merged', mergedInto: { id: target.id } });

    // Joining again: the list holds the survivor only, Wes supports it, Ben still finds his question.
    const wesJoin = unwrap(await command(wes, 'townhall:join', { townHallId }));
    expect(wesJoin.qa.questions.map((q) => q.id)).toEqual([target.id]);
    expect(wesJoin.qa.myVotes).toEqual([target.id]);
    expect(wesJoin.qaMerged).toEqual([]);
    const benJoin = unwrap(await command(ben, 'townhall:join', { townHallId }));
    expect(benJoin.qaMerged).toEqual([expect.objectContaining({ id: dupe1.id, status: 'merged', mergedInto: { id: target.id, text: target.text } })]);
    expect(unwrap(await command(moderator, 'townhall:join', { townHallId })).qaMerged.map((q) => q.id).sort()).toEqual([dupe1.id, dupe2.id].sort());

    // A merged question takes no votes; voting for the survivor again adds nobody.
    expect(await command(wes, 'qa:vote', { questionId: dupe2.id, voted: true })).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT', reason: 'MERGED' },
    });
    expect(unwrap(await command(vic, 'qa:vote', { questionId: target.id, voted: true })).votes).toBe(2);

    // Each merged question is on the audit chain, which still verifies.
    const entries = await server.stores.audit.list(0, 10_000);
    expect(entries.filter((e) => e.action === 'merge').map((e) => [e.target, e.note, e.actorName])).toEqual(
      expect.arrayContaining([
        [`question:${dupe1.id}`, `into question:${target.id}`, 'Sgt. Reyes'],
        [`question:${dupe2.id}`, `into question:${target.id}`, 'Sgt. Reyes'],
      ]),
    );
    expect(verifyChain(entries)).toEqual({ ok: true, entries: entries.length });
  });

  it('lets moderators merge anywhere and hosts only in their own town halls; residents never', async () => {
    const { vic, target, dupe1 } = await duplicates();
    const refused = await Promise.all([
      command(vic, 'qa:merge', { targetId: target.id, sourceIds: [dupe1.id] }),
      command(otherOfficer, 'qa:merge', { targetId: target.id, sourceIds: [dupe1.id] }),
      command(vic, 'qa:unmerge', { questionId: dupe1.id }),
    ]);
    for (const r of refused) expect(r).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await server.stores.questions.getQuestion(dupe1.id)).toMatchObject({ status: 'published', mergedInto: null });

    unwrap(await command(moderator, 'qa:merge', { targetId: target.id, sourceIds: [dupe1.id] }));
    expect(await command(otherOfficer, 'qa:unmerge', { questionId: dupe1.id })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    unwrap(await command(officer, 'qa:unmerge', { questionId: dupe1.id }));
  });

  it('refuses bad merges with a code and changes nothing', async () => {
    const { townHallId, ann, target, dupe1, dupe2 } = await duplicates();
    const elsewhereId = await newTownHall();
    const elsewhere = await ask(await resident(elsewhereId, 'Eve'), elsewhereId, 'A question of another town hall');
    const removed = await ask(await resident(townHallId, 'Rae'), townHallId, 'A question a moderator removes');
    unwrap(await command(moderator, 'mod:decide', { ref: { kind: 'question', id: removed.id }, action: 'remove', reason: 'off-topic' }));

    const cases: [unknown, string][] = [
      [{ targetId: target.id, sourceIds: [target.id] }, 'INVALID_PAYLOAD'],
      [{ targetId: target.id, sourceIds: [] }, 'INVALID_PAYLOAD'],
      [{ targetId: target.id, sourceIds: [dupe1.id, dupe1.id] }, 'INVALID_PAYLOAD'],
      [{ targetId: target.id, sourceIds: [elsewhere.id] }, 'NOT_FOUND'],
      [{ targetId: removed.id, sourceIds: [dupe1.id] }, 'NOT_FOUND'],
      [{ targetId: target.id, sourceIds: [dupe1.id, removed.id] }, 'NOT_FOUND'],
      [{ targetId: 'no-such-question', sourceIds: [dupe1.id] }, 'NOT_FOUND'],
    ];
    for (const [payload, code] of cases) {
      expect(await command(officer, 'qa:merge', payload as never), JSON.stringify(payload)).toMatchObject({ ok: false, error: { code } });
    }
    unwrap(await command(officer, 'qa:merge', { targetId: target.id, sourceIds: [dupe2.id] }));
    expect(await command(officer, 'qa:merge', { targetId: dupe2.id, sourceIds: [dupe1.id] })).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT', reason: 'MERGED' },
    });
    expect(await command(officer, 'qa:merge', { targetId: dupe1.id, sourceIds: [target.id] })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    expect(await command(officer, 'qa:unmerge', { questionId: dupe1.id })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });

    expect(await server.stores.questions.getQuestion(dupe1.id)).toMatchObject({ status: 'published', votes: 2 });
    expect(await server.stores.questions.getQuestion(target.id)).toMatchObject({ votes: 1, mergedCount: 1, alsoAskedBy: 1 });
    expect(unwrap(await command(ann, 'townhall:join', { townHallId })).qa.questions.map((q) => q.id).sort()).toEqual([target.id, dupe1.id].sort());
  });

  it('undoes a merge while live: the question comes back with its own voters, and the survivor recounts', async () => {
    const { townHallId, ben, vic, wes, target, dupe1 } = await duplicates();
    unwrap(await command(officer, 'qa:merge', { targetId: target.id, sourceIds: [dupe1.id] }));
    expect(await server.stores.questions.getQuestion(target.id)).toMatchObject({ votes: 2 });

    // Matched on its count too: the fact of its asking may still be on its way in a frame.
    const backForWes = nextEvent(wes, 'qa:question-changed', (p) => p.question.id === dupe1.id && p.question.votes === 2);
    const wesVoteBack = nextEvent(wes, 'qa:my-vote-changed', (p) => p.questionId === dupe1.id && p.voted);
    const wesLeavesTarget = nextEvent(wes, 'qa:my-vote-changed', (p) => p.questionId === target.id && !p.voted);
    const targetBack = nextEvent(vic, 'qa:question-changed', (p) => p.question.id === target.id && p.question.alsoAskedBy === undefined);
    const benTold = nextEvent(ben, 'mod:notice-sent', (p) => p.notice.ref.id === dupe1.id && p.notice.action === 'unmerge');
    const undone = unwrap(await command(officer, 'qa:unmerge', { questionId: dupe1.id }));
    expect(undone).toMatchObject({ question: { id: target.id, votes: 1 }, questionIds: [dupe1.id] });
    expect((await backForWes).question).toMatchObject({ status: 'published' });
    expect(await server.stores.questions.getQuestion(dupe1.id)).toMatchObject({ status: 'published', votes: 2, mergedInto: null });
    await Promise.all([wesVoteBack, wesLeavesTarget, benTold]);
    expect((await targetBack).question.votes).toBe(1);
    expect(unwrap(await command(wes, 'townhall:join', { townHallId })).qa.myVotes).toEqual([dupe1.id]);
    expect(unwrap(await command(vic, 'townhall:join', { townHallId })).qa.myVotes.sort()).toEqual([target.id, dupe1.id].sort());
    const entries = await server.stores.audit.list(0, 10_000);
    expect(entries.some((e) => e.action === 'unmerge' && e.target === `question:${dupe1.id}` && e.note === `from question:${target.id}`)).toBe(true);
  });

  it('hides a merged question from its asker when a moderator removes the survivor, and staff can still undo it', async () => {
    const { townHallId, ben, target, dupe1 } = await duplicates();
    unwrap(await command(officer, 'qa:merge', { targetId: target.id, sourceIds: [dupe1.id] }));
    // Facts arrive in order: once the officer sees the removal, the merge's facts are behind it.
    const removedSeen = nextEvent(officer, 'qa:question-removed', (p) => p.questionId === target.id);
    unwrap(await command(moderator, 'mod:decide', { ref: { kind: 'question', id: target.id }, action: 'remove', reason: 'off-topic' }));
    await removedSeen;
    expect(unwrap(await command(ben, 'townhall:join', { townHallId })).qaMerged).toEqual([]);
    expect(unwrap(await command(moderator, 'townhall:join', { townHallId })).qaMerged.map((q) => q.id)).toEqual([dupe1.id]);
    let survivorCameBack = false;
    const watch = (p: { question: { id: string } }) => {
      if (p.question.id === target.id) survivorCameBack = true;
    };
    officer.on('qa:question-changed', watch);
    const back = nextEvent(ben, 'qa:question-changed', (p) => p.question.id === dupe1.id && p.question.status === 'published' && p.question.votes === 2);
    const officerSees = nextEvent(officer, 'qa:question-changed', (p) => p.question.id === dupe1.id && p.question.status === 'published');
    unwrap(await command(moderator, 'qa:unmerge', { questionId: dupe1.id }));
    await Promise.all([back, officerSees]);
    officer.off('qa:question-changed', watch);
    // The removed survivor stays off every screen.
    expect(survivorCameBack).toBe(false);
    expect(unwrap(await command(officer, 'townhall:join', { townHallId })).qa.questions.map((q) => q.id)).not.toContain(target.id);
  });

  it('keeps the merge in the record after the event, and refuses to undo it then', async () => {
    const { townHallId, target, dupe1, dupe2 } = await duplicates();
    unwrap(await command(officer, 'qa:merge', { targetId: target.id, sourceIds: [dupe1.id, dupe2.id] }));
    await server.app.townHalls.end(townHallId, officerSession.me);
    expect(await command(officer, 'qa:unmerge', { questionId: dupe1.id })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    expect(await server.stores.questions.getQuestion(dupe1.id)).toMatchObject({ status: 'merged' });

    const res = await fetch(`${server.url}/api/townhalls/${townHallId}/record`);
    const { record } = (await res.json()) as { record: TownHallRecordView };
    expect(record.questions!.summary).toMatchObject({ received: 3, merged: 2, notReached: 1, removed: 0 });
    expect(record.questions!.notReached).toEqual([expect.objectContaining({ id: target.id, votes: 2, mergedCount: 2, alsoAskedBy: 2 })]);
    expect(JSON.stringify(record)).not.toContain(dupe1.text);
    expect(record.moderation ?? []).not.toContainEqual(expect.objectContaining({ action: 'merge' }));
  });
});
