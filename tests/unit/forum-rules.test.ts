import { describe, expect, it } from 'vitest';
import { ForumCreateThread, ForumReply } from '../../shared/forum.js';
import {
  canSee,
  clampPage,
  mayPostIn,
  offsetOf,
  pageCount,
  RATES,
  postRule,
  postView,
  splitScreened,
  statusAfterEdit,
  withinEditWindow,
} from '../../server/forum/rules.js';
import type { PostRecord } from '../../server/forum/store.js';

const NOW = 1_767_000_000_000;
const HOUR = 3600_000;

const record = (extra: Partial<PostRecord> = {}): PostRecord => ({
  id: 'post-0000000001',
  threadId: 'thread-00000001',
  categoryId: 'category-000001',
  authorId: 'author-00000001',
  authorName: 'Jordan',
  authorRole: 'resident',
  body: 'Hello',
  createdAt: NOW,
  editedAt: null,
  status: 'held',
  holdReason: 'filter',
  filterHits: [{ source: 'department', term: 'dirtycop' }],
  decision: null,
  opening: false,
  ...extra,
});

describe('forum rules', () => {
  it('paces new guests at 30 s, other residents at 5 s and staff not at all', () => {
    expect(postRule('resident', { kind: 'guest', createdAt: NOW - HOUR }, NOW)).toBe(RATES.postAsNewcomer);
    expect(postRule('resident', { kind: 'guest', createdAt: NOW - 25 * HOUR }, NOW)).toBe(RATES.post);
    expect(postRule('resident', { kind: 'account', createdAt: NOW - HOUR }, NOW)).toBe(RATES.post);
    expect(postRule('resident', null, NOW)).toBe(RATES.postAsNewcomer);
    expect(postRule('officer', { kind: 'account', createdAt: NOW }, NOW)).toBeNull();
    expect(RATES.postAsNewcomer).toMatchObject({ points: 1, seconds: 30 });
    expect(RATES.post).toMatchObject({ points: 1, seconds: 5 });
  });

  it('allows edits for 15 minutes from posting', () => {
    expect(withinEditWindow(NOW, NOW + 15 * 60_000)).toBe(true);
    expect(withinEditWindow(NOW, NOW + 15 * 60_000 + 1)).toBe(false);
  });

  it('keeps a held post held when edited, and holds a published one the filter catches', () => {
    expect(statusAfterEdit('held', 'publish')).toBe('held');
    expect(statusAfterEdit('published', 'hold')).toBe('held');
    expect(statusAfterEdit('published', 'publish')).toBe('published');
  });

  it('lets only staff post in a locked thread', () => {
    expect(mayPostIn({ locked: true }, 'resident')).toBe(false);
    expect(mayPostIn({ locked: true }, 'officer')).toBe(true);
    expect(mayPostIn({ locked: false }, 'resident')).toBe(true);
  });

  it('counts pages and shows the last page for one past the end', () => {
    expect(pageCount(0)).toBe(1);
    expect(pageCount(20)).toBe(1);
    expect(pageCount(21)).toBe(2);
    expect(clampPage(5, 21)).toBe(2);
    expect(clampPage(0, 21)).toBe(1);
    expect(offsetOf(3)).toBe(40);
  });

  it('shows held posts to staff and their author only, and filter hits to staff only', () => {
    const held = record();
    expect(canSee(held, null)).toBe(false);
    expect(canSee(held, { id: 'someone-else', role: 'resident' })).toBe(false);
    expect(canSee(held, { id: held.authorId, role: 'resident' })).toBe(true);
    expect(canSee(held, { id: 'mod', role: 'moderator' })).toBe(true);
    expect(canSee(record({ status: 'removed' }), { id: 'mod', role: 'admin' })).toBe(false);
    expect(postView(held, 'staff')).toMatchObject({ holdReason: 'filter', filterHits: held.filterHits });
    const own = postView(held, 'author');
    expect(own).toMatchObject({ mine: true, holdReason: 'filter', status: 'held' });
    expect(own.filterHits).toBeUndefined();
    const published = postView(record({ status: 'published', holdReason: null, filterHits: [], authorRole: 'officer' }), 'public');
    expect(published).toEqual({
      id: held.id,
      threadId: held.threadId,
      body: 'Hello',
      authorName: 'Jordan',
      authorRole: 'officer',
      createdAt: NOW,
      editedAt: null,
      status: 'published',
      opening: false,
    });
  });

  it('splits a screened thread back into its title and body', () => {
    expect(splitScreened('A title\n\nThe body\n\nmore', { title: 'x', body: 'y' })).toEqual({ title: 'A title', body: 'The body\n\nmore' });
    expect(splitScreened('no break', { title: 'x', body: 'y' })).toEqual({ title: 'x', body: 'y' });
  });

  it('bounds titles and bodies after cleaning', () => {
    const thread = (title: string, body = 'x') => ForumCreateThread.safeParse({ categoryId: 'category-000001', title, body }).success;
    expect(thread('Four')).toBe(false);
    expect(thread('  Five!  ')).toBe(true);
    expect(thread('x'.repeat(150))).toBe(true);
    expect(thread('x'.repeat(151))).toBe(false);
    expect(thread('A title', ' \n\t ')).toBe(false);
    expect(ForumReply.safeParse({ threadId: 'thread-00000001', body: '🚓'.repeat(10_000) }).success).toBe(true);
    expect(ForumReply.safeParse({ threadId: 'thread-00000001', body: 'x'.repeat(10_001) }).success).toBe(false);
  });
});
