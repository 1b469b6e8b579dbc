import { describe, expect, it } from 'vitest';
import { command, startTestServer, unwrap } from '../support/server.js';

describe('restart on the same SQLite file', () => {
  it('loses nothing that was acknowledged', async () => {
    const first = await startTestServer();
    const residentSession = await first.guest('Rosa');
    const officerSession = await first.staff('officer', 'Lt. Park');
    const townHallId = (await first.townHall({ hosts: [{ id: officerSession.me.id, displayName: 'Lt. Park' }] })).id;
    const moderatorSession = await first.staff('moderator');
    const [rosa, officer, moderator] = await Promise.all([
      first.connect(residentSession),
      first.connect(officerSession),
      first.connect(moderatorSession),
    ]);
    for (const s of [rosa, officer, moderator]) unwrap(await command(s, 'townhall:join', { townHallId }));

    const kept = unwrap(await command(rosa, 'qa:ask', { townHallId, text: 'Will this survive a restart?', anonymous: true }));
    unwrap(await command(rosa, 'qa:vote', { questionId: kept.id, voted: true }));
    unwrap(await command(officer, 'qa:answer', { questionId: kept.id, text: 'It is on disk.' }));
    const other = await first.connect(await first.guest('Kim'));
    unwrap(await command(other, 'townhall:join', { townHallId }));
    const removed = unwrap(await command(other, 'qa:ask', { townHallId, text: 'Remove me' }));
    unwrap(await command(moderator, 'mod:decide', { ref: { kind: 'question', id: removed.id }, action: 'remove', reason: 'spam' }));
    await first.close();

    const second = await startTestServer({ file: first.file! });
    try {
      const again = await second.connect(residentSession);
      const snapshot = unwrap(await command(again, 'townhall:join', { townHallId })).qa;
      const ids = snapshot.questions.map((q) => q.id);
      expect(ids).not.toContain(removed.id);
      expect(snapshot.myVotes).toEqual([kept.id]);
      expect(snapshot.questions.find((q) => q.id === kept.id)).toMatchObject({
        text: 'Will this survive a restart?',
        anonymous: true,
        authorName: null,
        votes: 1,
        mine: true,
        answerState: 'answered',
        answer: { text: 'It is on disk.', byName: 'Lt. Park' },
      });
      const staff = await second.connect(officerSession);
      expect(unwrap(await command(staff, 'townhall:join', { townHallId })).qa.questions).toHaveLength(1);
    } finally {
      await second.close();
    }
  });
});
