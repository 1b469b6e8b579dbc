// The automated WCAG 2.2 checks that axe cannot make (reflow, text size, focus, target size,
// motion, forced colours), run in Chromium on the main pages of a town hall that is in full
// swing: the scene below fills one server with what each role sees on a busy evening.
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { command, startTestServer, unwrap, type ClientSocket, type Session, type TestServer } from './server.js';
import { launchChromium, requireBuiltClient, screenshot } from './browser.js';
import { installProbe, type FocusStop, type Probe } from './a11y-probe.js';
import { NewCommitment } from '../../shared/followups.js';
import { createUnitService } from '../../server/settings/units.js';

export type A11yPageName = 'resident' | 'host' | 'captioner' | 'moderator' | 'forum' | 'record' | 'admin' | 'accountability' | 'commitments';
export const A11Y_PAGES: readonly A11yPageName[] = ['resident', 'host', 'captioner', 'moderator', 'forum', 'record', 'admin', 'accountability', 'commitments'];

export interface A11yScene {
  server: TestServer;
  browser: Browser;
  /** Opens one of the main pages as the person who uses it, in a context of its own, and waits until it is filled. */
  open(name: A11yPageName, options?: BrowserContextOptions): Promise<Page>;
  close(): Promise<void>;
}

export async function startA11yScene(): Promise<A11yScene> {
  const server = await startTestServer({ clientDir: requireBuiltClient(), media: true });
  const sessions: Record<A11yPageName, Session> = {
    resident: await server.guest('Alice Rivera'),
    host: await server.staff('officer', 'Sgt. Kim'),
    captioner: await server.staff('captioner', 'Sam Captions'),
    moderator: await server.staff('moderator', 'Mod Ana'),
    forum: await server.guest('Bob Chen'),
    record: await server.guest('Cara Diaz'),
    admin: await server.staff('admin', 'Admin Ada'),
    accountability: await server.guest('Dee Park'),
    commitments: await server.guest('Ed Ruiz'),
  };
  const host = { id: sessions.host.me.id, displayName: 'Sgt. Kim' };
  const live = await server.townHall({ title: 'Eastside Town Hall on street safety', hosts: [host] });
  const ended = await server.townHall({ title: 'Northside Town Hall', hosts: [host] });
  const join = async (session: Session, townHallId: string): Promise<ClientSocket> => {
    const socket = await server.connect(session);
    unwrap(await command(socket, 'townhall:join', { townHallId }));
    return socket;
  };

  for (const townHallId of [live.id, ended.id]) {
    const officer = await join(sessions.host, townHallId);
    const people = await Promise.all(['Dev Patel', 'Eli Moss', 'Fay Ito', 'Gus Lee'].map(async (n) => join(await server.guest(n), townHallId)));
    const ask = async (s: ClientSocket, text: string) => unwrap(await command(s, 'qa:ask', { townHallId, text, anonymous: false })).id;
    const answered = await ask(people[0]!, 'Will the station open on Sundays so people who work weekdays can report things?');
    const written = await ask(people[1]!, 'Why was my noise complaint about the bar on Elm Street never answered?');
    await ask(people[2]!, 'When will the streetlights on Elm Street be fixed?');
    // A question the word filter holds: it waits in the moderators' queue.
    await ask(people[3]!, 'Why is that dirtycop still on patrol?');
    unwrap(await command(people[1]!, 'qa:vote', { questionId: answered, voted: true }));
    unwrap(await command(officer, 'qa:set-answer-state', { questionId: answered, state: 'answered' }));
    unwrap(await command(officer, 'qa:answer', { questionId: written, text: 'It was lost in a system move. We have called you back.' }));
    const poll = unwrap(
      await command(officer, 'poll:create', { townHallId, kind: 'single', question: 'Which park should get lights first?', options: ['Riverside Park', 'Oak Park', 'Mill Pond'] }),
    );
    unwrap(await command(officer, 'poll:open', { pollId: poll.id }));
    for (const [i, s] of people.entries()) unwrap(await command(s, 'poll:vote', { pollId: poll.id, ballot: { kind: 'single', optionId: poll.options[i % 2]!.id } }));
    const line = { townHallId, authorRole: null, status: 'published' as const, holdReason: null, filterHits: [] };
    await server.stores.chat.add({ ...line, authorId: 'guest-dev', authorName: 'Dev Patel', text: 'Thanks for doing this online, it helps a lot.' });
    await server.stores.chat.add({ ...line, authorId: host.id, authorName: 'Sgt. Kim', authorRole: 'officer', text: 'Thank you all for coming tonight.' });
    await server.stores.captions.add({ townHallId, authorId: sessions.captioner.me.id, authorRole: 'captioner', text: 'Good evening, and welcome to the town hall.' });
    if (townHallId === ended.id) {
      unwrap(await command(officer, 'poll:close', { pollId: poll.id }));
      const officerUser = (await server.app.identity.sessionUser(host.id))!;
      await server.app.townHalls.end(townHallId, officerUser);
      // A commitment made at it, under way: the commitments page and the accountability figures show it.
      const patrol = await createUnitService(server.stores.units).add({ en: 'Patrol', es: 'Patrulla' });
      const due = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
      const made = await server.app.commitments.create(
        NewCommitment.parse({ townHallId, questionIds: [written], text: 'Answer every noise complaint within a week', unitId: patrol.id, dueDate: due }),
        officerUser,
      );
      await server.app.commitments.update(made.id, { status: 'in-progress', text: 'A duty officer now reads the complaints each morning.' }, officerUser);
    }
    for (const s of [officer, ...people]) s.disconnect();
  }

  const forum = server.stores.forum;
  const now = Date.now();
  const category = await forum.createCategory({ name: 'Traffic and parking', description: 'Speeding, crossings and parking on our streets.', createdBy: 'admin', createdAt: now });
  const opening = { authorId: host.id, authorName: 'Sgt. Kim', authorRole: 'officer' as const, status: 'published' as const, holdReason: null, filterHits: [] };
  const thread = await forum.createThread({
    ...opening,
    categoryId: category.id,
    title: 'Speeding on Maple Avenue near the school',
    body: 'We have heard about **speeding** near Maple Elementary.\n\n- Tell us when it happens\n- Tell us where',
    createdAt: now - 3_600_000,
  });
  await forum.addReply(thread!.thread.id, {
    authorId: sessions.forum.me.id,
    authorName: 'Bob Chen',
    authorRole: 'resident',
    status: 'published',
    holdReason: null,
    filterHits: [],
    body: 'Mostly between 7:30 and 8:15 in the morning, by the crossing at Maple and 3rd.',
    createdAt: now - 1_800_000,
  });

  const browser = await launchChromium();
  const paths: Record<A11yPageName, string> = {
    resident: `/townhall/${live.id}`,
    host: `/townhall/${live.id}`,
    captioner: `/townhall/${live.id}`,
    moderator: '/moderate',
    forum: `/forum/t/${thread!.thread.id}`,
    record: `/townhall/${ended.id}/record`,
    admin: '/admin',
    accountability: '/accountability',
    commitments: '/commitments',
  };
  const ready: Record<A11yPageName, (page: Page) => Promise<unknown>> = {
    resident: (p) => p.getByTestId('question').first().waitFor(),
    host: (p) => p.getByTestId('question').first().waitFor(),
    captioner: (p) => p.getByTestId('question').first().waitFor(),
    moderator: (p) => p.getByTestId('queue-item').first().waitFor(),
    forum: (p) => p.getByTestId('post').nth(1).waitFor(),
    record: (p) => p.getByTestId('record-summary').waitFor(),
    admin: (p) => p.getByTestId('record-settings').waitFor(),
    accountability: (p) => p.getByTestId('figures').waitFor(),
    commitments: (p) => p.getByTestId('commitment').first().waitFor(),
  };

  return {
    server,
    browser,
    async open(name, options = {}) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...options });
      const [cookieName, ...value] = sessions[name].cookie.split('=');
      await context.addCookies([{ name: cookieName!, value: value.join('='), url: server.url }]);
      const page = await context.newPage();
      await page.goto(`${server.url}${paths[name]}`);
      await ready[name](page);
      await settle(page);
      return page;
    },
    async close() {
      await browser?.close();
      await server?.close();
    },
  };
}

/** Waits for web fonts and two frames, so layout and styles are final before measuring. */
export async function settle(page: Page): Promise<void> {
  await page.evaluate(async () => {
    await document.fonts.ready;
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
  });
}

/** Runs `run` in the page with its probe (see a11y-probe.ts), installed on first use; one round trip. */
export async function probe<T>(page: Page, run: (probe: Probe, arg: never) => T, arg?: unknown): Promise<T> {
  // An expression, not `new Function` in the page: the app's Content-Security-Policy forbids
  // eval. Transpilers may wrap named functions in a `__name` helper the page does not have.
  const expression = `(() => {
    globalThis.__name ??= (f) => f;
    if (!window.__a11y) (${installProbe.toString()})();
    return (${run.toString()})(window.__a11y, ${JSON.stringify(arg ?? null)});
  })()`;
  return (await page.evaluate(expression)) as T;
}

/**
 * Tabs through every focusable element from the top of the page until focus comes round again,
 * and lists each stop with a problem: no visible indicator, hidden under something (2.4.11),
 * or a stop focus cannot leave (2.1.2). `count` says how many stops were visited.
 */
export async function tabThrough(page: Page, forcedColors = false): Promise<{ count: number; problems: string[] }> {
  await probe(page, (p) => {
    p.focusTop();
    p.snapshot('unfocused');
  });
  const problems: string[] = [];
  const last = await probe(page, (p) => p.lastTabbable());
  let count = 0;
  let repeats = 0;
  let previous: string | null = null;
  for (let step = 0; step < 800; step++) {
    await page.keyboard.press('Tab');
    const stop: FocusStop | null = await probe(page, (p, forced: boolean) => p.focusStop(forced), forcedColors);
    if (!stop || stop.again) {
      // Focus left the page (or came round) early: something stopped Tab short of the end.
      if (previous !== last) problems.push(`Tab left the page after ${previous ?? 'nothing'}, before reaching ${last}`);
      return { count, problems };
    }
    previous = stop.name;
    if (stop.same) {
      // A media element's own controls and a date field's parts take several Tabs; anything else
      // that keeps focus traps it.
      if (!stop.native || ++repeats > 20) return { count, problems: [...problems, `${stop.name}: focus cannot leave it with Tab`] };
      continue;
    }
    repeats = 0;
    count++;
    problems.push(...stop.problems.map((p) => `${stop.name}: ${p}`));
  }
  return { count, problems: [...problems, 'more than 800 Tab stops: focus never came round'] };
}

/** A full-page screenshot named for the page and the check, to look at by eye. */
export const shot = (page: Page, name: A11yPageName, check: string) => screenshot(page, `a11y-${name}-${check}`);
