import { describe, expect, it } from 'vitest';
import type { NewQuestion, QuestionStore } from '../../server/qa/store.js';
import { storePerTest, type MakeStore } from './harness.js';

const ask = (text: string, extra: Partial<NewQuestion> = {}): NewQuestion => ({
  townHallId: 'townhall-topic-01',
  authorId: 'author-00000001',
  authorName: 'Jordan',
  authorRole: null,
  anonymous: false,
  text,
  status: 'published',
  holdReason: null,
  filterHits: [],
  ...extra,
});

const decision = { by: 'moderator-0001', at: 1_767_000_000_000, reason: null, note: null };

export function describeQuestionTopics(name: string, makeStore: MakeStore<QuestionStore>): void {
  describe(`QuestionStore topics (${name})`, () => {
    const t = storePerTest(makeStore);

    it('keeps the topic a question was asked with, and none when none was picked', async () => {
      const filed = await t.store.addQuestion(ask('Speeding on Elm?', { topicId: 'topic-traffic-01' }));
      const plain = await t.store.addQuestion(ask('When is the next meeting?'));
      expect(filed.topicId).toBe('topic-traffic-01');
      expect(plain.topicId).toBeNull();
      expect(await t.store.getQuestion(filed.id)).toEqual(filed);
      const listed = await (await t.another()).listVisible(filed.townHallId);
      expect(Object.fromEntries(listed.map((q) => [q.id, q.topicId]))).toEqual({ [filed.id]: 'topic-traffic-01', [plain.id]: null });
    });

    it('files a question under a topic, refiles it and takes it off, on every node and across a restart', async () => {
      const q = await t.store.addQuestion(ask('Burglaries downtown?'));
      expect(await t.store.setTopic(q.id, 'topic-burglary-1')).toEqual({ ...q, topicId: 'topic-burglary-1' });
      expect((await (await t.another()).getQuestion(q.id))?.topicId).toBe('topic-burglary-1');
      expect((await t.store.setTopic(q.id, 'topic-youth-0001'))?.topicId).toBe('topic-youth-0001');
      const reopened = await t.reopen();
      expect((await reopened.getQuestion(q.id))?.topicId).toBe('topic-youth-0001');
      expect(await reopened.setTopic(q.id, null)).toEqual({ ...q, topicId: null });
      expect((await reopened.listForRecord(q.townHallId))[0]?.topicId).toBeNull();
    });

    it('files held and hidden questions, but not removed, rejected or unknown ones', async () => {
      const held = await t.store.addQuestion(ask('Held one', { status: 'held' }));
      expect((await t.store.setTopic(held.id, 'topic-traffic-01'))?.topicId).toBe('topic-traffic-01');
      const removed = await t.store.addQuestion(ask('Removed one'));
      await t.store.transition(removed.id, ['published'], 'removed', decision);
      expect(await t.store.setTopic(removed.id, 'topic-traffic-01')).toBeNull();
      expect((await t.store.getQuestion(removed.id))?.topicId).toBeNull();
      expect(await t.store.setTopic('no-such-question', 'topic-traffic-01')).toBeNull();
    });
  });
}
