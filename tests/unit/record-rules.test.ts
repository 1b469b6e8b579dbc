import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, type Settings } from '../../shared/record.js';
import type { TownHall } from '../../shared/townhall.js';
import { recordRows, recordToCsv } from '../../server/record/export.js';
import {
  buildRecord,
  DAY_MS,
  DROPPED_NAME,
  endOf,
  isAboutPlace,
  median,
  moderationTotals,
  outcomeOf,
  recordQuestions,
  type RecordInputs,
} from '../../server/record/rules.js';
import type { QuestionRecord } from '../../server/qa/store.js';
import { settingsFrom } from '../../server/settings/store.js';

let n = 0;
const question = (over: Partial<QuestionRecord> = {}): QuestionRecord => ({
  id: `q-${++n}-aaaa`,
  townHallId: 'th-aaaaaaaa',
  authorId: 'guest-aaaaaaa',
  authorName: 'Pat Guest',
  authorRole: null,
  anonymous: false,
  text: `Question ${n}`,
  createdAt: 10_000,
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
const decided = (reason: string | null) => ({ by: 'mod-1', at: 50_000, reason: reason as never, note: null });
const byFlags = { by: 'system', at: 50_000, reason: 'spam' as const, note: '3 flags' };

const townHall: TownHall = {
  id: 'th-aaaaaaaa',
  title: 'Budget night',
  description: '',
  startsAt: 1_000,
  status: 'ended',
  moderation: 'post',
  hosts: [{ id: 'officer-1', displayName: 'Sgt. Kim' }],
  createdAt: 500,
  startedAt: 1_000,
  endedAt: 100_000,
};

const inputs = (over: Partial<RecordInputs> = {}): RecordInputs => ({
  townHall,
  settings: DEFAULT_SETTINGS,
  now: 200_000,
  endedAt: 100_000,
  questions: [],
  dropName: () => false,
  polls: [],
  chat: [],
  captions: [],
  moderation: [],
  ...over,
});

describe('question outcomes', () => {
  it('sorts each status into answered, not reached, removed or held', () => {
    expect(outcomeOf(question({ answerState: 'answered' }))).toBe('answered');
    expect(outcomeOf(question({ answerState: 'answering' }))).toBe('not-reached');
    expect(outcomeOf(question())).toBe('not-reached');
    expect(outcomeOf(question({ status: 'held' }))).toBe('held');
    for (const status of ['removed', 'rejected', 'hidden'] as const) expect(outcomeOf(question({ status }))).toBe('removed');
  });

  it('tells written answers from live ones, times each from the first answer, and takes the median', () => {
    const written = question({ createdAt: 1_000, answerState: 'answered', answer: { text: 'In writing.', byName: 'Sgt. Kim', at: 61_000 } });
    const live = question({ createdAt: 2_000, answerState: 'answered', answeredLiveAt: 32_000 });
    const both = question({
      createdAt: 3_000,
      answerState: 'answered',
      answeredLiveAt: 13_000,
      answer: { text: 'And written later.', byName: 'Sgt. Kim', at: 99_000 },
    });
    const open = question({ votes: 4 });
    const record = recordQuestions([written, live, both, open], () => false);
    expect(record.answered.map((q) => [q.id, q.answeredLive, q.answer !== null, q.timeToAnswerMs])).toEqual([
      [both.id, true, true, 10_000],
      [live.id, true, false, 30_000],
      [written.id, false, true, 60_000],
    ]);
    expect(record.summary).toEqual({
      received: 4,
      answered: 3,
      answeredInWriting: 2,
      answeredLive: 2,
      notReached: 1,
      removed: 0,
      heldNeverReviewed: 0,
      merged: 0,
      answeredShare: 0.75,
      medianTimeToAnswerMs: 30_000,
    });
    expect(record.notReached.map((q) => q.id)).toEqual([open.id]);
  });

  it('lists a merged question only through the one it was merged into, which shows how many were merged', () => {
    const survivor = question({ votes: 5, mergedCount: 2, alsoAskedBy: 2, answerState: 'answered', answeredLiveAt: 20_000 });
    const merged = [survivor.id, survivor.id].map((into) => question({ status: 'merged', mergedInto: into, text: 'MERGED-DUPLICATE' }));
    const open = question();
    const record = recordQuestions([survivor, ...merged, open], () => false);
    expect(record.answered.map((q) => [q.id, q.mergedCount, q.alsoAskedBy])).toEqual([[survivor.id, 2, 2]]);
    expect(record.notReached.map((q) => q.id)).toEqual([open.id]);
    // Duplicates are received, not removed, and do not count as questions left unanswered.
    expect(record.summary).toMatchObject({ received: 4, merged: 2, removed: 0, answered: 1, notReached: 1, answeredShare: 0.5 });
    expect(JSON.stringify(record)).not.toContain('MERGED-DUPLICATE');
    const csv = recordToCsv(buildRecord(inputs({ questions: [survivor, ...merged, open] })));
    expect(csv).toContain('summary,merged,,,2');
    expect(csv.split('\r\n').find((line) => line.includes(survivor.id))).toMatch(/,2\r?$/);
  });

  it('leaves merges out of the moderation totals', () => {
    const totals = moderationTotals([
      { action: 'merge', reason: null },
      { action: 'unmerge', reason: null },
      { action: 'remove', reason: 'harassment' },
    ]);
    expect(totals).toEqual([{ action: 'remove', reason: 'harassment', count: 1 }]);
  });

  it('takes the mean of the middle two for an even count, and null for none', () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNull();
    expect(recordQuestions([], () => false).summary).toMatchObject({ received: 0, answeredShare: null, medianTimeToAnswerMs: null });
  });

  it('counts removed, rejected and hidden questions by reason, and held ones, without their text or author', () => {
    const secret = 'SECRET-TEXT the chief lives at 12 Elm';
    const questions = [
      question({ status: 'removed', text: secret, decision: decided('harassment') }),
      question({ status: 'rejected', text: secret, decision: decided('harassment') }),
      question({ status: 'hidden', text: secret, decision: decided('personal-information') }),
      question({ status: 'removed', text: secret, decision: decided(null) }),
      question({ status: 'held', text: secret, authorName: 'Hidden Helen' }),
    ];
    const record = recordQuestions(questions, () => false);
    expect(record.removedByReason).toEqual([
      { reason: 'harassment', count: 2 },
      { reason: 'personal-information', count: 1 },
      { reason: 'other', count: 1 },
    ]);
    expect(record.summary).toMatchObject({ received: 5, removed: 4, heldNeverReviewed: 1, answered: 0, answeredShare: 0 });
    const everything = JSON.stringify(record) + recordToCsv(buildRecord(inputs({ questions })));
    expect(everything).not.toContain('SECRET-TEXT');
    expect(everything).not.toContain('Pat Guest');
    expect(everything).not.toContain('Hidden Helen');
  });
});

describe('questions hidden by flags', () => {
  it('keep their outcome in the figures until a moderator decides, shown under review without their text', () => {
    const secret = 'FLAGGED-TEXT nobody reviewed';
    const answered = question({ status: 'hidden', decision: byFlags, text: secret, answerState: 'answered', answeredLiveAt: 20_000 });
    const open = question({ status: 'hidden', decision: byFlags, text: secret });
    const hiddenByModerator = question({ status: 'hidden', decision: decided('spam') });
    expect([outcomeOf(answered), outcomeOf(open), outcomeOf(hiddenByModerator)]).toEqual(['answered', 'not-reached', 'removed']);
    const record = recordQuestions([answered, open, hiddenByModerator], () => false);
    expect(record.summary).toMatchObject({ received: 3, answered: 1, notReached: 1, removed: 1 });
    expect(record.answered[0]).toMatchObject({ id: answered.id, underReview: true, text: null });
    expect(record.notReached[0]).toMatchObject({ id: open.id, underReview: true, text: null });
    const csv = recordToCsv(buildRecord(inputs({ questions: [answered, open] })));
    expect(csv).not.toContain('FLAGGED-TEXT');
    expect(csv.match(/under-review/g)).toHaveLength(2);
  });

  it('leave the moderation totals to moderators: flags taking an item down and reveals are not counted', () => {
    expect(moderationTotals([{ action: 'flag-hide', reason: 'spam' }, { action: 'reveal', reason: 'a threat' }, { action: 'approve', reason: null }])).toEqual([
      { action: 'approve', reason: null, count: 1 },
    ]);
  });
});

describe('names in the record', () => {
  const named = question({ authorId: 'guest-1', authorName: 'Pat Guest' });
  const member = question({ authorId: 'account-1', authorName: 'Lee Member' });
  const anon = question({ authorId: 'guest-2', authorName: 'Secret Sam', anonymous: true });
  const guests = new Set(['guest-1', 'guest-2']);
  const record = (now: number, settings: Settings = DEFAULT_SETTINGS) =>
    buildRecord(inputs({ now, settings, questions: [named, member, anon], dropName: (id) => guests.has(id) })).questions!.notReached;

  it("never shows an anonymous asker's name", () => {
    expect(record(200_000).find((q) => q.id === anon.id)).toMatchObject({ authorName: null, anonymous: true, nameDropped: false });
  });

  it("shows guests' names until the retention period ends, then only accounts' names", () => {
    const before = record(100_000 + 30 * DAY_MS - 1);
    expect(before.map((q) => q.authorName)).toEqual(['Pat Guest', 'Lee Member', null]);
    const after = record(100_000 + 30 * DAY_MS);
    expect(after.map((q) => [q.authorName, q.nameDropped])).toEqual([
      [null, true],
      ['Lee Member', false],
      [null, false],
    ]);
    expect(record(100_000, { ...DEFAULT_SETTINGS, guestNameRetentionDays: 0 })[0]).toMatchObject({ authorName: null, nameDropped: true });
  });

  it('treats a name already purged from storage as dropped', () => {
    const purged = question({ authorName: DROPPED_NAME });
    expect(recordQuestions([purged], () => false).notReached[0]).toMatchObject({ authorName: null, nameDropped: true });
  });

  it("drops residents' chat names after the retention period and keeps staff names", () => {
    const chat = [
      { at: 1, authorName: 'Pat Guest', authorRole: null, text: 'hello' },
      { at: 2, authorName: 'Sgt. Kim', authorRole: 'officer' as const, text: 'welcome' },
    ];
    expect(buildRecord(inputs({ chat })).chat!.map((l) => l.name)).toEqual(['Pat Guest', 'Sgt. Kim']);
    expect(buildRecord(inputs({ chat, now: 100_000 + 31 * DAY_MS })).chat!.map((l) => l.name)).toEqual([null, 'Sgt. Kim']);
  });
});

describe('the rest of the record', () => {
  it('leaves out every section the settings turn off', () => {
    const off: Settings = { ...DEFAULT_SETTINGS, publish: { questions: false, polls: false, chat: false, captions: false, moderation: false } };
    const record = buildRecord(inputs({ settings: off, questions: [question()], moderation: [{ action: 'remove', reason: 'spam' }] }));
    expect(record).toMatchObject({ questions: null, polls: null, chat: null, captions: null, moderation: null });
    expect(recordRows(record).map((r) => r.section)).toEqual(['town_hall']);
  });

  it('totals moderation by action and reason', () => {
    const totals = moderationTotals([
      { action: 'remove', reason: 'spam' },
      { action: 'remove', reason: 'spam' },
      { action: 'remove', reason: 'hate' },
      { action: 'approve', reason: null },
    ]);
    expect(totals).toEqual([
      { action: 'approve', reason: null, count: 1 },
      { action: 'remove', reason: 'hate', count: 1 },
      { action: 'remove', reason: 'spam', count: 2 },
    ]);
  });

  it("counts sanctions and room settings of this town hall only, not a longer id's or the whole site's", () => {
    const place = 'townhall:abc123';
    expect(isAboutPlace({ action: 'slow-mode', target: place, note: '30 s' }, place)).toBe(true);
    expect(isAboutPlace({ action: 'timeout', target: 'user:u1', note: `${place}, 10 min` }, place)).toBe(true);
    expect(isAboutPlace({ action: 'ban', target: 'user:u1', note: place }, place)).toBe(true);
    expect(isAboutPlace({ action: 'ban', target: 'user:u1', note: `${place}: shouting` }, place)).toBe(true);
    expect(isAboutPlace({ action: 'ban', target: 'user:u1', note: 'townhall:abc1234' }, place)).toBe(false);
    expect(isAboutPlace({ action: 'ban', target: 'user:u1', note: 'site' }, place)).toBe(false);
    expect(isAboutPlace({ action: 'filter-add', target: 'filter:x', note: 'hold' }, place)).toBe(false);
  });

  it('dates the end by the last activity when no end time was kept', () => {
    const q = question({ createdAt: 5_000, answer: { text: 'a', byName: 'b', at: 9_000 }, answerState: 'answered' });
    expect(endOf({ ...townHall, endedAt: null }, [q])).toBe(9_000);
    expect(endOf(townHall, [q])).toBe(100_000);
  });

  it('reads stored settings over the defaults, and the defaults from anything unreadable', () => {
    expect(settingsFrom(null)).toEqual(DEFAULT_SETTINGS);
    expect(settingsFrom('{not json')).toEqual(DEFAULT_SETTINGS);
    expect(settingsFrom(JSON.stringify({ publish: { chat: false } }))).toEqual({
      ...DEFAULT_SETTINGS,
      publish: { ...DEFAULT_SETTINGS.publish, chat: false },
    });
    expect(settingsFrom(JSON.stringify({ guestNameRetentionDays: -4 }))).toEqual(DEFAULT_SETTINGS);
  });
});
