// The public accountability API and the Atom feeds on a real server, on both stores: figures
// from the questions the Q&A store holds, the period checked, the downloads named, the feeds
// valid Atom.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountabilityReport } from '../../shared/accountability.js';
import { monthIn } from '../../server/accountability/rules.js';
import { CSV_COLUMNS } from '../../server/accountability/export.js';
import { startTestServer, type TestServer } from '../support/server.js';

const dir = mkdtempSync(path.join(tmpdir(), 'rt-acct-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
function validAtom(xml: string): boolean {
  const file = path.join(dir, `f${Math.random().toString(36).slice(2)}.xml`);
  writeFileSync(file, xml);
  execFileSync('xmllint', ['--noout', '--relaxng', path.resolve('tests/fixtures/atom/rfc4287.rng'), file], { stdio: 'pipe' });
  return true;
}

describe.each(['sqlite', 'redis'] as const)('the accountability API on %s', (store) => {
  let server: TestServer;
  let townHallId: string;
  const month = monthIn(Date.now(), 'UTC');

  beforeAll(async () => {
    server = await startTestServer({ store });
    townHallId = (await server.townHall({ title: 'Elm & Main' })).id;
    const { questions, townHalls } = server.stores;
    const ask = (text: string) =>
      questions.addQuestion({ townHallId, authorId: 'resident1', authorName: 'Ana', authorRole: null, anonymous: false, text, holdReason: null, filterHits: [], status: 'published' });
    const answered = await ask('When will the Elm Street light be fixed?');
    await ask('Why are there no patrols at night?');
    await ask('Another question held for review').then((q) => questions.transition(q.id, ['published'], 'removed', { by: 'mod', at: Date.now(), reason: 'spam', note: null }));
    // Marked answered live through the store, as the host's "answered" does: it stamps answeredLiveAt.
    await questions.setAnswerState(answered.id, 'answered');
    await townHalls.transition(townHallId, 'live', 'ended', Date.now());
    // A live town hall is not counted.
    await server.townHall();
  });
  afterAll(() => server.close());

  const get = (p: string) => fetch(`${server.url}${p}`);

  it('answers the period\'s figures from the stored questions', async () => {
    const res = await get(`/api/v1/accountability?from=${month}&to=${month}`);
    expect(res.status).toBe(200);
    const report = (await res.json()) as AccountabilityReport;
    expect(report.apiVersion).toBe(1);
    expect(report.period).toEqual({ from: month, to: month, timeZone: 'UTC' });
    expect(report.totals.townHalls).toBe(1);
    // 3 received: 1 answered live, 1 not reached (no follow-up queue wired: none recorded), 1 removed.
    expect(report.totals.questions).toMatchObject({
      received: 3,
      answeredLive: 1,
      answeredAfter: 0,
      notAnswered: { open: 0, referred: 0, closed: 0, noFollowUp: 1, total: 1 },
      removed: 1,
      answeredShare: 0.5,
    });
    expect(report.totals.questions.medianLiveMs).toBeGreaterThanOrEqual(0);
    expect(report.byMonth).toHaveLength(1);
    expect(report.byTopic.map((t) => t.topic)).toEqual([null]);
    expect(res.headers.get('cache-control')).toBe('public, max-age=60');
  });

  it('defaults to the twelve months ending now', async () => {
    const report = (await (await get('/api/v1/accountability')).json()) as AccountabilityReport;
    expect(report.period.to).toBe(month);
    expect(report.byMonth).toHaveLength(12);
    expect(report.totals.townHalls).toBe(1);
  });

  it('refuses a bad period with INVALID_PAYLOAD', async () => {
    for (const query of ['from=2026-13', 'from=2026-05&to=2026-01', 'to=last-month', 'from=2000-01&to=2026-01', 'from=2026-01&from=2026-02']) {
      const res = await get(`/api/v1/accountability?${query}`);
      expect(res.status, query).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('INVALID_PAYLOAD');
    }
  });

  it('offers the figures as CSV and JSON downloads', async () => {
    const csv = await get(`/api/v1/accountability.csv?from=${month}&to=${month}`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(csv.headers.get('content-disposition')).toBe(`attachment; filename=roundtable-accountability-${month}-to-${month}.csv`);
    const lines = (await csv.text()).split('\r\n');
    expect(lines[0]).toBe(CSV_COLUMNS.join(','));
    const period = Object.fromEntries(lines[0]!.split(',').map((c, i) => [c, lines[1]!.split(',')[i]]));
    expect(period).toMatchObject({ scope: 'period', town_halls: '1', questions_received: '3', answered_live: '1', not_answered_no_follow_up: '1', answered_share: '0.5' });
    // The period, its one month, its one topic row (none), and the final line break.
    expect(lines).toHaveLength(1 + 3 + 1);

    const json = await get(`/api/v1/accountability.json?from=${month}&to=${month}`);
    expect(json.headers.get('content-disposition')).toBe(`attachment; filename=roundtable-accountability-${month}-to-${month}.json`);
    const api = await (await get(`/api/v1/accountability?from=${month}&to=${month}`)).json();
    expect(JSON.parse(await json.text())).toEqual(api);
  });

  it('serves a built report for a minute, and builds it again once told of a change', async () => {
    const read = async () => ((await (await get(`/api/v1/accountability?from=${month}&to=${month}`)).json()) as AccountabilityReport).totals.questions.received;
    const before = await read();
    await server.stores.questions.addQuestion({ townHallId, authorId: 'resident2', authorName: 'Bo', authorRole: null, anonymous: false, text: 'A late one', holdReason: null, filterHits: [], status: 'published' });
    expect(await read()).toBe(before);
    server.app.accountability.forget();
    expect(await read()).toBe(before + 1);
  });

  it('serves valid Atom feeds for a town hall and for the commitments', async () => {
    const feed = await get(`/townhalls/${townHallId}/feed.atom`);
    expect(feed.status).toBe(200);
    expect(feed.headers.get('content-type')).toBe('application/atom+xml; charset=utf-8');
    const xml = await feed.text();
    expect(validAtom(xml)).toBe(true);
    expect(xml).toContain(`<id>${server.url}/townhalls/${townHallId}</id>`);
    expect(xml).toContain('Elm &amp; Main: follow-ups and commitments');
    const es = await (await get(`/townhalls/${townHallId}/feed.atom?lang=es`)).text();
    expect(es).toContain('seguimiento y compromisos');

    const commitments = await get('/commitments/feed.atom');
    expect(commitments.status).toBe(200);
    expect(validAtom(await commitments.text())).toBe(true);

    const missing = await get('/townhalls/nosuchhall/feed.atom');
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('NOT_FOUND');
  });
});
