import { describe, expect, it } from 'vitest';
import type { QuestionView } from '../../shared/qa.js';
import { ModDecide } from '../../shared/moderation-events.js';
import { compareForRanking, QaAsk } from '../../shared/qa.js';
import { viewOf } from '../../server/qa/rules.js';
import type { QuestionRecord } from '../../server/qa/store.js';

const record = (over: Partial<QuestionRecord> = {}): QuestionRecord => ({
  id: 'q1q1q1q1',
  townHallId: 'th1th1th1',
  authorId: 'user1user1',
  authorName: 'Alice',
  authorRole: null,
  anonymous: false,
  text: 'Why?',
  createdAt: 1000,
  status: 'published',
  holdReason: null,
  filterHits: [],
  votes: 0,
  answerState: 'open',
  answer: null,
  answeredLiveAt: null,
  topicId: null,
  decision: null,
  mergedInto: null,
  mergedCount: 0,
  alsoAskedBy: 0,
  ...over,
});
const view = (over: Partial<QuestionView>): QuestionView => ({ ...viewOf(record(), 'public', 'R-AAAAA'), ...over });

describe('question views', () => {
  it('hides an anonymous asker from residents and shows staff only a pseudonym', () => {
    const q = record({ anonymous: true });
    const pub = viewOf(q, 'public', 'R-ABCDE');
    expect(pub.authorName).toBeNull();
    expect(JSON.stringify(pub)).not.toMatch(/Alice|user1user1|R-ABCDE/);
    const staff = viewOf(q, 'staff', 'R-ABCDE');
    expect(staff).toMatchObject({ authorName: null, authorHandle: 'R-ABCDE' });
    expect(JSON.stringify(staff)).not.toMatch(/Alice|user1user1/);
  });

  it('tells the asker why their question is held but not which words tripped the filter', () => {
    const q = record({ status: 'held', holdReason: 'filter', filterHits: [{ source: 'obscenity', term: 'x' }] });
    const mine = viewOf(q, 'author', 'R-ABCDE');
    expect(mine).toMatchObject({ mine: true, status: 'held', holdReason: 'filter' });
    expect(mine.filterHits).toBeUndefined();
    expect(viewOf(q, 'staff', 'R-ABCDE').filterHits).toHaveLength(1);
  });
});

describe('ranking', () => {
  it('puts the question being answered first, then most votes, then the longest waiting', () => {
    const list = [
      view({ id: 'a', votes: 5, createdAt: 3 }),
      view({ id: 'b', votes: 9, createdAt: 4 }),
      view({ id: 'c', votes: 5, createdAt: 1 }),
      view({ id: 'd', votes: 0, createdAt: 9, answerState: 'answering' }),
    ];
    expect(list.sort(compareForRanking).map((q) => q.id)).toEqual(['d', 'b', 'c', 'a']);
  });
});


describe('payload schemas', () => {
  it('trims a question and counts characters as a person does', () => {
    const parsed = QaAsk.parse({ townHallId: 'abcdefgh', text: `  ${'👮'.repeat(500)}  ` });
    expect([...parsed.text]).toHaveLength(500);
    expect(QaAsk.safeParse({ townHallId: 'abcdefgh', text: '👮'.repeat(501) }).success).toBe(false);
  });

  it('strips control and bidirectional-override characters', () => {
    expect(QaAsk.parse({ townHallId: 'abcdefgh', text: 'a\u202Eb\u0000c' }).text).toBe('abc');
  });

  it('requires a reason to hide, reject or remove, but not to approve or restore', () => {
    const ref = { kind: 'question', id: 'abcdefgh' };
    expect(ModDecide.safeParse({ ref, action: 'remove' }).success).toBe(false);
    expect(ModDecide.safeParse({ ref, action: 'hide' }).success).toBe(false);
    expect(ModDecide.safeParse({ ref, action: 'remove', reason: 'spam' }).success).toBe(true);
    expect(ModDecide.safeParse({ ref, action: 'approve' }).success).toBe(true);
    expect(ModDecide.safeParse({ ref, action: 'restore' }).success).toBe(true);
  });
});
