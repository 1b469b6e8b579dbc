import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CommandError, ErrorCode } from '../shared/errors.js';
import type { StaffRole } from '../shared/roles.js';
import type { App } from './app.js';
import { seedPastTownHall } from './demo-past.js';
import { keepPrivate, privateDir } from './storage/files.js';
import type { Stores } from './stores.js';

export interface DemoLogin {
  role: StaffRole;
  username: string;
  password: string;
}

// The officer comes first: making that account is what claims the store's demo data (below).
const DEMO_STAFF: { role: StaffRole; username: string; displayName: string }[] = [
  { role: 'officer', username: 'officer', displayName: 'Sgt. Dana Reyes' },
  { role: 'admin', username: 'admin', displayName: 'Demo Administrator' },
  { role: 'moderator', username: 'moderator', displayName: 'Sam Okafor (Moderator)' },
  { role: 'captioner', username: 'captioner', displayName: 'Lee Chen (Captions)' },
];

/** Creates a staff account; false when its username is taken (by another node's seeding, or the configured admin). */
async function createUnlessTaken(app: App, staff: (typeof DEMO_STAFF)[number], password: string): Promise<boolean> {
  try {
    await app.identity.createStaff({ ...staff, password });
    return true;
  } catch (err) {
    if (err instanceof CommandError && err.code === ErrorCode.CONFLICT) return false;
    throw err;
  }
}

/**
 * Demo data for a first look: two town halls, a few questions, and staff accounts whose
 * passwords are made at random on first run (a demo left reachable on a network must not
 * have well-known passwords) and kept in the data folder so they can be printed again.
 *
 * Seeded once per store, not once per node: nodes sharing one Redis may all start at once with
 * the demo on, each with a data folder of its own. As with the first admin (ensureAdmin), the
 * store's unique usernames decide: the node that creates the demo officer seeds everything;
 * the others find it taken, make nothing, and answer null (the sign-ins are in the seeding
 * node's data folder; the passwords are kept nowhere else).
 */
export async function seedDemo(app: App, stores: Stores, dataDir: string): Promise<DemoLogin[] | null> {
  const file = path.join(dataDir, 'demo-logins.json');
  privateDir(dataDir);
  if (existsSync(file)) {
    keepPrivate(file);
    return JSON.parse(readFileSync(file, 'utf8')) as DemoLogin[];
  }

  const logins: DemoLogin[] = [];
  for (const staff of DEMO_STAFF) {
    const password = randomBytes(9).toString('base64url');
    if (await createUnlessTaken(app, staff, password)) logins.push({ role: staff.role, username: staff.username, password });
    // No officer made here: another node (or an earlier start with another data folder) seeded this store.
    else if (staff.username === 'officer') return null;
  }

  const officer = await stores.identity.findByUsername('officer');
  const hosts = officer ? [{ id: officer.id, displayName: officer.displayName }] : [];
  const now = Date.now();
  const live = await app.townHalls.create({
    title: 'Riverside District Community Town Hall',
    description:
      'Meet the officers who serve Riverside. Ask about traffic safety, the new youth programme and anything else on your mind.',
    startsAt: now - 10 * 60_000,
    status: 'live',
    moderation: 'post',
    hosts,
  });
  await app.townHalls.create({
    title: 'Downtown Safety Listening Session',
    description: 'An open conversation about downtown safety, lighting and late-night transit.',
    startsAt: now + 7 * 24 * 3600_000,
    status: 'scheduled',
    moderation: 'pre',
    hosts,
  });

  const residents = await Promise.all(
    ['Maria G.', 'Tom', 'Aisha'].map((displayName) => app.identity.joinAsGuest(displayName)),
  );
  const asked = [
    { by: 0, text: 'What is being done about speeding on Elm Street near the school?', anonymous: false },
    { by: 1, text: 'How can residents join the neighbourhood watch?', anonymous: false },
    { by: 2, text: 'Will body camera footage from last month be released?', anonymous: true },
  ];
  for (const q of asked) {
    const author = residents[q.by]!;
    const question = await stores.questions.addQuestion({
      townHallId: live.id,
      authorId: author.id,
      authorName: author.displayName,
      authorRole: null,
      anonymous: q.anonymous,
      text: q.text,
      status: 'published',
      holdReason: null,
      filterHits: [],
    });
    for (const voter of residents.slice(0, 3 - q.by)) await stores.questions.castVote(question.id, voter.id);
  }

  await seedForum(stores, residents[0]!, now);
  const moderator = await stores.identity.findByUsername('moderator');
  if (officer && moderator) await seedPastTownHall(app, stores, residents, officer, moderator);

  writeFileSync(file, JSON.stringify(logins, null, 2), { mode: 0o600 });
  return logins;
}

/** A forum category with one thread and an officer's reply, so the forum is not empty. */
async function seedForum(stores: Stores, resident: { id: string; displayName: string }, now: number): Promise<void> {
  const officer = await stores.identity.findByUsername('officer');
  const admin = await stores.identity.findByUsername('admin');
  const category = await stores.forum.createCategory({
    name: 'Traffic and road safety',
    description: 'Speeding, crossings, parking and getting around the district safely.',
    createdBy: admin?.id ?? 'demo',
    createdAt: now,
  });
  const opened = await stores.forum.createThread({
    categoryId: category.id,
    title: 'Crossing at 5th and Main',
    authorId: resident.id,
    authorName: resident.displayName,
    authorRole: 'resident',
    body: 'Drivers rarely stop for people at the **5th and Main** crossing. Could we get a flashing sign?',
    status: 'published',
    holdReason: null,
    filterHits: [],
    createdAt: now - 3_600_000,
  });
  if (opened && officer) {
    await stores.forum.addReply(opened.thread.id, {
      authorId: officer.id,
      authorName: officer.displayName,
      authorRole: 'officer',
      body: 'Thank you. Traffic unit will run speed checks there next week and we have asked the city about a sign.',
      status: 'published',
      holdReason: null,
      filterHits: [],
      createdAt: now - 1_800_000,
    });
  }
}
