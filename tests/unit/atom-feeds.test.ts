import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CommitmentView, FollowUpView } from '../../shared/followups.js';
import { commitmentsFeed, MAX_FEED_ENTRIES, townHallFeed, type FeedSite } from '../../server/accountability/feeds.js';

// The feeds are validated against RFC 4287 itself: the RELAX NG schema of its Appendix B
// (tests/fixtures/atom/rfc4287.rnc, converted once to rfc4287.rng with trang) run by xmllint
// (Debian's libxml2-utils, installed by scripts/setup.sh), and the schema's two Schematron rules,
// which RELAX NG validators skip, as the XPath the schema states.
const SCHEMA = path.resolve('tests/fixtures/atom/rfc4287.rng');
const dir = mkdtempSync(path.join(tmpdir(), 'rt-atom-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
function save(xml: string): string {
  const file = path.join(dir, `feed-${++n}.xml`);
  writeFileSync(file, xml);
  return file;
}

/** xmllint's verdict on the document against the schema: '' when valid, its complaints otherwise. */
function relaxNgErrors(xml: string): string {
  try {
    execFileSync('xmllint', ['--noout', '--relaxng', SCHEMA, save(xml)], { stdio: 'pipe' });
    return '';
  } catch (err) {
    return String((err as { stderr?: Buffer }).stderr ?? err);
  }
}

const xpath = (xml: string, expr: string): string => execFileSync('xmllint', ['--xpath', expr, save(xml)], { stdio: 'pipe' }).toString().replace(/\n$/, '');
const el = (name: string) => `*[local-name()='${name}' and namespace-uri()='http://www.w3.org/2005/Atom']`;

/** Appendix B's Schematron rules, each as the count of elements breaking it. */
function schematronBreaches(xml: string): number[] {
  const entry = `/${el('feed')}/${el('entry')}`;
  return [
    // atom:feed: "atom:author or not(atom:entry[not(atom:author)])"
    `count(/${el('feed')}[not(${el('author')} or not(${el('entry')}[not(${el('author')})]))])`,
    // atom:entry: "atom:link[@rel='alternate'] or atom:link[not(@rel)] or atom:content"
    `count(${entry}[not(${el('link')}[@rel='alternate'] or ${el('link')}[not(@rel)] or ${el('content')})])`,
    // atom:entry: "atom:author or ../atom:author or atom:source/atom:author"
    `count(${entry}[not(${el('author')} or ../${el('author')} or ${el('source')}/${el('author')})])`,
  ].map((expr) => Number(xpath(xml, expr)));
}

function expectValidAtom(xml: string): void {
  expect(relaxNgErrors(xml)).toBe('');
  expect(schematronBreaches(xml)).toEqual([0, 0, 0]);
}

const site: FeedSite = { baseUrl: 'https://police.example.org', siteName: 'Roundtable', locale: 'en' };
const HOUR = 3600_000;
const END = Date.parse('2026-02-20T20:00:00Z');
const townHall = { id: 'hallB', title: 'Downtown & Elm <safety>', createdAt: END - 30 * 24 * HOUR, endedAt: END };

function followUp(questionId: string, rest: Partial<FollowUpView>): FollowUpView {
  return {
    questionId,
    townHallId: 'hallB',
    questionText: 'Why are there no patrols on Elm?',
    topicId: null,
    askedAt: END - HOUR,
    enteredAt: END,
    status: 'open',
    unitId: null,
    dueAt: null,
    answer: null,
    referral: null,
    closure: null,
    resolvedAt: null,
    history: [],
    ...rest,
  };
}

const followUps: FollowUpView[] = [
  followUp('q1', {
    status: 'answered',
    // A resident's text that would be markup, and the end of a CDATA section, if it were not escaped.
    questionText: 'Is <script>alert(1)</script> ]]> & "this" safe?',
    answer: { text: 'Yes.\nWe checked twice & wrote back.', byName: 'Sgt. Ruiz', at: END + 24 * HOUR },
    resolvedAt: END + 24 * HOUR,
  }),
  followUp('q2', { status: 'referred', referral: { to: 'Public Works', note: 'Streetlights are theirs.', byName: 'Ofc. Lee', at: END + 48 * HOUR } }),
  followUp('q3', { status: 'closed', closure: { reason: 'personal-matter', detail: 'Call 555-0100 on weekdays.', byName: 'Ofc. Lee', at: END + 72 * HOUR } }),
  followUp('q4', { status: 'open' }),
  followUp('q5', { townHallId: 'hallOther', status: 'answered', answer: { text: 'Elsewhere.', byName: 'X', at: END } }),
];

const commitments: CommitmentView[] = [
  {
    id: 'c1',
    townHallId: 'hallB',
    questionIds: ['q2'],
    topicIds: [],
    text: 'Extra patrols on Elm Street on weekdays, 7–9 am, for six weeks',
    unitId: 'patrol',
    dueDate: '2026-04-03',
    status: 'done',
    dropReason: null,
    createdAt: END - 10 * 60_000,
    createdByName: 'Lt. Park',
    doneAt: END + 40 * 24 * HOUR,
    updates: [
      { at: END + 7 * 24 * HOUR, byName: 'Lt. Park', status: 'in-progress', text: 'Patrols started Monday.' },
      { at: END + 20 * 24 * HOUR, byName: 'Lt. Park', status: null, text: 'Halfway through.' },
      { at: END + 40 * 24 * HOUR, byName: 'Lt. Park', status: 'done', text: 'Six weeks done.' },
    ],
  },
  {
    id: 'c2',
    townHallId: null,
    questionIds: [],
    topicIds: [],
    text: 'Publish monthly traffic stop figures',
    unitId: 'traffic',
    dueDate: '2026-06-01',
    status: 'planned',
    dropReason: null,
    createdAt: END + 5 * 24 * HOUR,
    createdByName: 'Chief Diaz',
    doneAt: null,
    updates: [],
  },
];

describe('Atom feeds', () => {
  it('gives a town hall a feed of its follow-ups and commitments that validates against RFC 4287', () => {
    const xml = townHallFeed(townHall, followUps, commitments, site);
    expectValidAtom(xml);
    // Answered, referred, closed (not the open one, not another town hall's), and c1 made + 3 updates.
    expect(Number(xpath(xml, `count(/${el('feed')}/${el('entry')})`))).toBe(3 + 4);
    // Newest first: the commitment's last update (40 days after) leads, and sets the feed's updated.
    expect(xpath(xml, `string(/${el('feed')}/${el('updated')})`)).toBe(new Date(END + 40 * 24 * HOUR).toISOString());
    expect(xpath(xml, `string(/${el('feed')}/${el('entry')}[1]/${el('id')})`)).toBe('https://police.example.org/commitments/c1/updates/3');
    expect(xpath(xml, `string(/${el('feed')}/${el('id')})`)).toBe('https://police.example.org/townhalls/hallB');
  });

  it('shows residents\' and officers\' text as written, never as markup', () => {
    const xml = townHallFeed(townHall, followUps, [], site);
    expectValidAtom(xml);
    const title = xpath(xml, `string(/${el('feed')}/${el('entry')}[${el('id')}='https://police.example.org/townhalls/hallB/record#follow-up-q1']/${el('title')})`);
    // type="html": the reader unescapes once and shows the text; no <script> element reaches it.
    expect(title).toBe('Answered after the town hall: Is &lt;script&gt;alert(1)&lt;/script&gt; ]]&gt; &amp; &quot;this&quot; safe?');
    expect(xml).not.toContain('<script>');
    expect(xpath(xml, `string(/${el('feed')}/${el('title')})`)).toBe('Downtown & Elm <safety>: follow-ups and commitments');
  });

  it('gives the department a commitments feed that validates, in Spanish too', () => {
    for (const locale of ['en', 'es'] as const) {
      const xml = commitmentsFeed(commitments, { ...site, locale });
      expectValidAtom(xml);
      // c1 made + 3 updates, c2 made.
      expect(Number(xpath(xml, `count(/${el('feed')}/${el('entry')})`))).toBe(5);
    }
    expect(commitmentsFeed(commitments, { ...site, locale: 'es' })).toContain('Compromisos del departamento');
  });

  it('stays valid when empty, and keeps only the newest entries of a long history', () => {
    expectValidAtom(commitmentsFeed([], site));
    expectValidAtom(townHallFeed({ ...townHall, endedAt: null }, [], [], site));
    const many: CommitmentView[] = Array.from({ length: MAX_FEED_ENTRIES + 10 }, (_, i) => ({ ...commitments[1]!, id: `cm${i}`, createdAt: END + i * 1000 }));
    const xml = commitmentsFeed(many, site);
    expectValidAtom(xml);
    expect(Number(xpath(xml, `count(/${el('feed')}/${el('entry')})`))).toBe(MAX_FEED_ENTRIES);
    expect(xpath(xml, `string(/${el('feed')}/${el('entry')}[1]/${el('id')})`)).toBe(`https://police.example.org/commitments/cm${MAX_FEED_ENTRIES + 9}`);
  });

  it('is refused by the schema when an element the RFC requires is missing', () => {
    // The validator is real: a feed without atom:id, and an entry without atom:updated, fail it.
    const xml = commitmentsFeed(commitments, site);
    expect(relaxNgErrors(xml.replace(/<id>https:\/\/police\.example\.org\/commitments<\/id>/, ''))).toMatch(/fails to validate/);
    expect(relaxNgErrors(xml.replace(/(<entry>[\s\S]*?)<updated>[^<]*<\/updated>/, '$1'))).toMatch(/fails to validate/);
    expect(schematronBreaches(xml.replace(/<author>\s*<name>Roundtable<\/name>\s*<\/author>/, '').replace(/<author>\s*<name>Lt\. Park<\/name>\s*<\/author>/, ''))).toEqual([1, 0, 1]);
  });
});
