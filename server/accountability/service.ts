// Gathers the accountability figures' and the feeds' inputs from the other features, through
// small interfaces of its own, and keeps what it built for a minute: the endpoints need no
// session, and one report reads every question of the period's town halls.
import type { AccountabilityReport, Month, Period } from '../../shared/accountability.js';
import type { CommitmentView, FollowUpView } from '../../shared/followups.js';
import type { TownHall } from '../../shared/townhall.js';
import type { Topic } from '../../shared/topics.js';
import type { QuestionRecord } from '../qa/service.js';
import { commitmentsFeed, townHallFeed, type FeedSite } from './feeds.js';
import { accountabilityReport, heldAt, monthIn } from './rules.js';

/** The public follow-ups (the follow-up queue's service fits this shape). */
export interface FollowUpReader {
  listAll(): Promise<FollowUpView[]>;
}
/** The public commitments (the commitments service fits this shape). */
export interface CommitmentReader {
  listAll(): Promise<CommitmentView[]>;
}

export interface AccountabilityDeps {
  townHalls: { list(): Promise<TownHall[]>; require(id: string): Promise<TownHall> };
  /** Q&A's reader (qa/service.ts): every question of a town hall, whatever its state. */
  questions: { listForRecord(townHallId: string): Promise<QuestionRecord[]> };
  followUps: FollowUpReader;
  commitments: CommitmentReader;
  topics: { list(): Promise<Topic[]> };
  /** IANA time zone of the department: months and due days are its. */
  timeZone: string;
  now: () => number;
  /** How long a built report or feed is served (RECORD_TTL_MS's minute by default). */
  ttlMs?: number;
}

export interface AccountabilityService {
  report(period: Period): Promise<AccountabilityReport>;
  townHallFeed(townHallId: string, site: FeedSite): Promise<string>;
  commitmentsFeed(site: FeedSite): Promise<string>;
  /** The month it is now in the department's time zone (the default period ends with it). */
  thisMonth(): Month;
  /** Drops what was built (a follow-up or commitment changed on this node). */
  forget(): void;
}

export const ACCOUNTABILITY_TTL_MS = 60_000;
/** Reports and feeds kept at once (the oldest built go first). */
const CACHE_LIMIT = 200;

export function createAccountabilityService(deps: AccountabilityDeps): AccountabilityService {
  const ttlMs = deps.ttlMs ?? ACCOUNTABILITY_TTL_MS;
  const cached = new Map<string, { value: string | AccountabilityReport; expiresAt: number }>();
  const building = new Map<string, Promise<string | AccountabilityReport>>();

  /** One build at a time per key; an error is never kept; a build a change overtook answers its caller but is not kept. */
  function once<T extends string | AccountabilityReport>(key: string, build: () => Promise<T>): Promise<T> {
    const hit = cached.get(key);
    if (hit && deps.now() < hit.expiresAt) return Promise.resolve(hit.value as T);
    cached.delete(key);
    const pending = building.get(key);
    if (pending) return pending as Promise<T>;
    const builtAt = deps.now();
    const promise = build().then((value) => {
      if (building.get(key) === promise) {
        if (cached.size >= CACHE_LIMIT) cached.delete(cached.keys().next().value!);
        cached.set(key, { value, expiresAt: builtAt + ttlMs });
      }
      return value;
    });
    building.set(key, promise);
    void promise
      .finally(() => {
        if (building.get(key) === promise) building.delete(key);
      })
      .catch(() => {});
    return promise;
  }

  async function buildReport(period: Period): Promise<AccountabilityReport> {
    const now = deps.now();
    const [all, followUps, commitments, topics] = await Promise.all([
      deps.townHalls.list(),
      deps.followUps.listAll(),
      deps.commitments.listAll(),
      deps.topics.list(),
    ]);
    const held = all.filter((t) => {
      const month = monthIn(heldAt(t), deps.timeZone);
      return t.status === 'ended' && month >= period.from && month <= period.to;
    });
    // One town hall at a time: a long period reads many, and other requests share the store.
    const questions: QuestionRecord[] = [];
    for (const t of held) questions.push(...(await deps.questions.listForRecord(t.id)));
    return accountabilityReport({ period, timeZone: deps.timeZone, now, townHalls: held, questions, followUps, commitments, topics });
  }

  return {
    report: (period) => once(`report:${period.from}:${period.to}`, () => buildReport(period)),
    townHallFeed: (townHallId, site) =>
      once(`feed:th:${townHallId}:${site.locale}:${site.baseUrl}`, async () => {
        const townHall = await deps.townHalls.require(townHallId);
        const [followUps, commitments] = await Promise.all([deps.followUps.listAll(), deps.commitments.listAll()]);
        return townHallFeed(townHall, followUps, commitments, site);
      }),
    commitmentsFeed: (site) =>
      once(`feed:commitments:${site.locale}:${site.baseUrl}`, async () => commitmentsFeed(await deps.commitments.listAll(), site)),
    thisMonth: () => monthIn(deps.now(), deps.timeZone),
    forget() {
      cached.clear();
      building.clear();
    },
  };
}
