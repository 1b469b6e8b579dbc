// What both question stores build and write, so they cannot drift apart. Each copies exactly
// the declared fields: an extra property on the caller's object would otherwise come back from
// addQuestion but not from getQuestion.
import type { WrittenAnswer } from '../../shared/qa.js';
import { newId } from '../core/ids.js';
import type { NewQuestion, QuestionRecord } from './store.js';

export const newQuestionRecord = (q: NewQuestion): QuestionRecord & Pick<NewQuestion, 'status'> => ({
  id: newId(),
  townHallId: q.townHallId,
  authorId: q.authorId,
  authorName: q.authorName,
  authorRole: q.authorRole,
  anonymous: q.anonymous,
  text: q.text,
  createdAt: Date.now(),
  status: q.status,
  holdReason: q.holdReason,
  filterHits: q.filterHits.map(({ source, term }) => ({ source, term })),
  votes: 0,
  answerState: 'open',
  answer: null,
  answeredLiveAt: null,
  topicId: q.topicId ?? null,
  decision: null,
  mergedInto: null,
  mergedCount: 0,
  alsoAskedBy: 0,
});

export const plainAnswer = ({ text, byName, at }: WrittenAnswer): WrittenAnswer => ({ text, byName, at });

