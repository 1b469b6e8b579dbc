import { describe, expect, it } from 'vitest';
import { createWordFilter } from '../../server/moderation/filter.js';
import { excerpt, flagCounts, flagsMayHide, MOVES } from '../../server/moderation/rules.js';
import { sanctionTarget, sanctionView } from '../../server/moderation/targets.js';
import { parsePlace, placeKey, type Place, type Sanction } from '../../shared/moderation.js';
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

  it('counts a flag from someone who joined and took part, or from an account old enough, and no one else', () => {
    const day = 24 * 3600_000;
    const base = { joined: true, tookPart: true, account: { kind: 'guest' as const, createdAt: 0 }, now: 10 * day, accountAgeMs: 3 * day };
    expect(flagCounts(base)).toBe(true);
    expect(flagCounts({ ...base, tookPart: false })).toBe(false);
    expect(flagCounts({ ...base, joined: false })).toBe(false);
    // A guest of any age does not count without taking part; an account does once it is old enough.
    const stranger = { ...base, joined: false, tookPart: false };
    expect(flagCounts({ ...stranger, account: { kind: 'account', createdAt: 7 * day } })).toBe(true);
    expect(flagCounts({ ...stranger, account: { kind: 'account', createdAt: 7 * day + 1 } })).toBe(false);
    expect(flagCounts({ ...stranger, account: null })).toBe(false);
  });

  it("never lets flags take down staff writing or an ended town hall's content", () => {
    expect(flagsMayHide({ placeEnded: false, authorRole: 'resident' })).toBe(true);
    expect(flagsMayHide({ placeEnded: false, authorRole: null })).toBe(true);
    expect(flagsMayHide({ placeEnded: true, authorRole: 'resident' })).toBe(false);
    for (const role of ['officer', 'moderator', 'captioner', 'admin'] as const) expect(flagsMayHide({ placeEnded: false, authorRole: role })).toBe(false);
  });

  it("shows and records a sanction given under a pseudonym without the person's id", () => {
    const given: Sanction = {
      id: 'sanction-0001', userId: 'resident-0001', kind: 'ban', townHallId: null, until: null, reason: 'threat',
      note: null, by: 'mod-1', at: 1, liftedAt: null, liftedBy: null, alias: 'townhall:th-1/R-ABCDE',
    };
    expect(sanctionView(given)).toEqual({ ...given, userId: null });
    expect(sanctionTarget(given)).toBe('pseudonym:townhall:th-1/R-ABCDE');
    expect(sanctionView({ ...given, alias: null }).userId).toBe('resident-0001');
    expect(sanctionTarget({ ...given, alias: null })).toBe('user:resident-0001');
  });

  it('takes the median of decision times', () => {
    expect(median([])).toBeNull();
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(3);
  });

  it('writes a place one way and reads it back as the same place', () => {
    const places: Place[] = [
      { kind: 'townhall', id: 'th-1' },
      { kind: 'thread', id: 'thread_0001' },
      { kind: 'forum', id: 'category-9' },
    ];
    expect(places.map(placeKey)).toEqual(['townhall:th-1', 'thread:thread_0001', 'forum:category-9']);
    expect(places.map((p) => parsePlace(placeKey(p)))).toEqual(places);
  });
});
