import { describe, expect, it } from 'vitest';
import { compactFacts, type Entry } from '../../server/townhall/frame-facts.js';
import { MAX_TICK_MS, MIN_TICK_MS, tickMs } from '../../server/townhall/frame-tick.js';

const entry = (event: string, payload: unknown, over: Partial<Entry> = {}): Entry => ({
  event,
  payload,
  staffOnly: false,
  exceptStaff: false,
  exceptPeople: [],
  ...over,
});
const events = (facts: [string, unknown][]) => facts.map(([e]) => e);

describe('what goes into a frame', () => {
  it('folds every vote tally of a tick into one, latest count winning, where the last one was', () => {
    const entries = [
      entry('qa:votes-tallied', { townHallId: 't', votes: { a: 1, b: 5 } }),
      entry('qa:question-changed', { question: { id: 'c', votes: 0 } }),
      entry('qa:votes-tallied', { townHallId: 't', votes: { a: 3, c: 1 } }),
    ];
    const { facts } = compactFacts('t', entries, 'everyone', undefined, Infinity);
    expect(facts).toEqual([
      ['qa:question-changed', { question: { id: 'c', votes: 0 } }],
      ['qa:votes-tallied', { townHallId: 't', votes: { a: 3, b: 5, c: 1 } }],
    ]);
  });

  it('keeps the latest results of each poll, one per poll', () => {
    const entries = [
      entry('poll:results-tallied', { pollId: 'p', results: { n: 1 } }),
      entry('poll:results-tallied', { pollId: 'q', results: { n: 7 } }),
      entry('poll:results-tallied', { pollId: 'p', results: { n: 2 } }),
    ];
    const { facts } = compactFacts('t', entries, 'everyone', undefined, Infinity);
    expect(facts).toEqual([
      ['poll:results-tallied', { pollId: 'q', results: { n: 7 } }],
      ['poll:results-tallied', { pollId: 'p', results: { n: 2 } }],
    ]);
  });

  it('samples chat beyond the limit and says how many it left out, never questions or removals', () => {
    const entries = [
      ...Array.from({ length: 8 }, (_, i) => entry('chat:message-posted', { message: { id: `m${i}` } })),
      entry('qa:question-removed', { townHallId: 't', questionId: 'x' }),
      entry('chat:removed', { townHallId: 't', messageId: 'm0' }),
    ];
    const { facts, sampled } = compactFacts('t', entries, 'everyone', undefined, 5);
    expect(sampled).toBe(3);
    expect(events(facts)).toEqual([
      ...Array(5).fill('chat:message-posted'),
      'qa:question-removed',
      'chat:removed',
      'chat:messages-skipped',
    ]);
    expect(facts.at(-1)).toEqual(['chat:messages-skipped', { townHallId: 't', count: 3 }]);
    expect(compactFacts('t', entries, 'everyone', undefined, Infinity).sampled).toBe(0);
  });

  it('gives each audience its own facts, and leaves out of a person’s frame what they have their own copy of', () => {
    const entries = [
      entry('qa:question-changed', { v: 'public' }, { exceptStaff: true, exceptPeople: ['author'] }),
      entry('qa:question-changed', { v: 'staff' }, { staffOnly: true, exceptPeople: ['author'] }),
      entry('chat:message-posted', { v: 'everyone' }),
    ];
    const payloads = (audience: 'everyone' | 'staff', person?: string) =>
      compactFacts('t', entries, audience, person, Infinity).facts.map(([, p]) => (p as { v: string }).v);
    expect(payloads('everyone')).toEqual(['public', 'everyone']);
    expect(payloads('staff')).toEqual(['staff', 'everyone']);
    expect(payloads('everyone', 'author')).toEqual(['everyone']);
    expect(payloads('staff', 'author')).toEqual(['everyone']);
  });
});

describe('the tick', () => {
  it('is 100 ms while the room fits the budget, then grows with the room, stretched by lag, capped', () => {
    expect(tickMs(10, 60_000)).toBe(MIN_TICK_MS);
    expect(tickMs(6_000, 60_000)).toBe(100);
    expect(tickMs(10_000, 60_000)).toBe(167);
    expect(tickMs(10_000, 60_000, 1.5)).toBe(251);
    expect(tickMs(10_000, 60_000, 10)).toBe(MAX_TICK_MS);
    expect(tickMs(0, 60_000, 0.5)).toBe(MIN_TICK_MS);
  });
});
