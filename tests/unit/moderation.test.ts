import { describe, expect, it } from 'vitest';
import { createWordFilter } from '../../server/moderation/filter.js';
import { excerpt, MOVES } from '../../server/moderation/rules.js';
import { median } from '../../server/moderation/queue-view.js';

describe('word filter', () => {
  const filter = createWordFilter([
    { term: 'dirtycop', action: 'hold' },
    { term: 'pig', action: 'mask' },
    { term: 'kill you', action: 'block' },
  ]);

  it('catches obfuscated profanity and holds it', () => {
    for (const text of ['you f*ck', 'fuuuuck this', 'sh1t']) {
      const hits = filter.check(text);
      expect(hits, text).not.toEqual([]);
      expect(hits.every((h) => h.action === 'hold')).toBe(true);
    }
  });

  it('reports a word both public lists catch once', () => {
    expect(filter.check('this shit again')).toEqual([{ source: 'obscenity', term: 'shit', action: 'hold' }]);
  });

  it('catches department entries, obfuscated too, with their own action', () => {
    expect(filter.check('what a d1rtyc0p')).toEqual([{ source: 'department', term: 'dirtycop', action: 'hold' }]);
    expect(filter.check('I will KILL YOU')).toEqual([{ source: 'department', term: 'kill you', action: 'block' }]);
    expect(filter.check('the p1g roast')).toEqual([{ source: 'department', term: 'pig', action: 'mask' }]);
  });

  it('masks only mask entries, in any spelling, keeping the rest of the text', () => {
    expect(filter.mask('the pig and the PIIIG went home')).toBe('the *** and the ***** went home');
    expect(filter.mask('what a dirtycop')).toBe('what a dirtycop');
  });

  it('matches department entries as whole words and passes ordinary questions', () => {
    for (const text of ['a pigeon on the roof', 'When does Scunthorpe get a new station?', 'My assistant was harassed']) {
      expect(filter.check(text), text).toEqual([]);
    }
  });
});

describe('moderation rules', () => {
  it('lets approve keep any held, hidden or flagged item, hide only a published one, restore any taken-down one', () => {
    expect(MOVES.approve.from).toEqual(['held', 'hidden', 'published']);
    expect(MOVES.hide.from).toEqual(['published']);
    expect(MOVES.restore.from.sort()).toEqual(['hidden', 'rejected', 'removed']);
    expect(MOVES.remove.to).toBe('removed');
  });

  it('shortens a long text to a recognisable excerpt', () => {
    expect(excerpt('short')).toBe('short');
    const long = excerpt('word '.repeat(50));
    expect(long.length).toBeLessThanOrEqual(80);
    expect(long.endsWith('…')).toBe(true);
  });

  it('takes the median of decision times', () => {
    expect(median([])).toBeNull();
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(3);
  });
});
