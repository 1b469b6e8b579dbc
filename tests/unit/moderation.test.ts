import { describe, expect, it } from 'vitest';
import { createWordFilter } from '../../server/moderation/filter.js';
import { createModerationService } from '../../server/moderation/service.js';

describe('word filter', () => {
  const filter = createWordFilter(['dirtycop']);

  it('catches obfuscated profanity', () => {
    for (const text of ['you f*ck', 'fuuuuck this', 'sh1t']) expect(filter.check(text), text).not.toEqual([]);
  });

  it('catches the department list, obfuscated too', () => {
    for (const text of ['DirtyCop!', 'd1rtyc0p']) {
      expect(filter.check(text)).toContainEqual({ source: 'department', term: 'dirtycop' });
    }
  });

  it('passes ordinary questions, including words that contain a bad word', () => {
    for (const text of ['When does Scunthorpe get a new station?', 'My assistant was harassed', 'hello officer']) {
      expect(filter.check(text), text).toEqual([]);
    }
  });
});

describe('screening', () => {
  const moderation = createModerationService(createWordFilter([]));

  it('holds a filter hit even from staff and in post-moderation', () => {
    expect(moderation.screen({ text: 'shit', mode: 'post', authorIsStaff: true })).toMatchObject({
      outcome: 'hold',
      holdReason: 'filter',
    });
  });

  it('holds resident content in pre-moderation and publishes staff content', () => {
    expect(moderation.screen({ text: 'hi', mode: 'pre', authorIsStaff: false }).outcome).toBe('hold');
    expect(moderation.screen({ text: 'hi', mode: 'pre', authorIsStaff: true }).outcome).toBe('publish');
    expect(moderation.screen({ text: 'hi', mode: 'post', authorIsStaff: false }).outcome).toBe('publish');
  });
});
