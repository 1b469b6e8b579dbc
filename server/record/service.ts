import { CommandError, ErrorCode } from '../../shared/errors.js';
import { placeKey, townHallPlace, type ContentRef } from '../../shared/moderation.js';
import type { Settings, TownHallRecordView } from '../../shared/record.js';
import type { Logger } from '../core/log.js';
import type { IdentityService } from '../identity/service.js';
import type { AuditEntry, AuditLogStore } from '../moderation/audit.js';
import type { PollReader } from '../polls/service.js';
import type { Topic } from '../../shared/topics.js';
import type { QuestionReader } from '../qa/service.js';
import type { TownHallService } from '../townhall/service.js';
import { buildRecord, contentTarget, DROPPED_NAME, endOf, guestNamesUntil, isAboutPlace, type CaptionLine, type ChatLine } from './rules.js';

/** The transcripts, from the chat and captions features (their services fit this shape). */
export interface RecordSources {
  /** Published messages only, oldest first. */
  chatTranscript(townHallId: string): Promise<ChatLine[]>;
  captionTranscript(townHallId: string): Promise<CaptionLine[]>;
  /** For the retention purge: who wrote in the chat under a name, and dropping those names. */
  chatAuthors(townHallId: string, replacement: string): Promise<string[]>;
  forgetChatNames(townHallId: string, authorIds: string[], replacement: string): Promise<number>;
}

export interface RecordDeps {
  townHalls: TownHallService;
  questions: QuestionReader;
  polls: PollReader;
  audit: AuditLogStore;
  /** The admin's publishing settings (the settings store fits this shape). */
  settings: { get(): Promise<Settings> };
  /** The department's topics, to name the questions' topics (settings/topics.ts fits this shape). */
  topics: { list(): Promise<Topic[]> };
  identity: IdentityService;
  sources: RecordSources;
  /** Where a piece of content lives ('townhall:<id>'), as its feature says; null if unknown. */
  placeOf(ref: ContentRef): Promise<string | null>;
  log: Logger;
}

export interface RecordService {
  /** The public record of an ended town hall: NOT_FOUND if unknown, CONFLICT before it ends. */
  record(townHallId: string, now?: number): Promise<TownHallRecordView>;
  /** The town hall whose record counts this audit entry, if any. */
  townHallOf(entry: Pick<AuditEntry, 'action' | 'target' | 'note'>): Promise<string | null>;
  /**
   * Drops guests' names stored on the questions and chat messages of every town hall whose retention period is
   * over. Safe to run on several nodes at once and as often as wanted.
   */
  purgeGuestNames(now?: number): Promise<{ townHalls: number; questions: number; chatMessages: number }>;
}

/** Content never moves between places, so a place once learnt stays true; bounded all the same. */
const PLACE_CACHE_LIMIT = 50_000;
/** Town halls whose moderation entries are kept between builds (the least recently built go first). */
const SEEN_LIMIT = 1_000;
const AUDIT_PAGE = 1000;

/** A town hall's moderation entries read so far, and the last sequence number read. */
interface SeenEntries {
  after: number;
  entries: Pick<AuditEntry, 'action' | 'reason'>[];
}

const townHallIn = (place: string | null | undefined): string | null => /^townhall:([A-Za-z0-9_-]+)/.exec(place ?? '')?.[1] ?? null;

export function createRecordService(deps: RecordDeps): RecordService {
  const places = new Map<string, string | null>();
  const placeOf = async (ref: ContentRef): Promise<string | null> => {
    const key = `${ref.kind}:${ref.id}`;
    if (places.has(key)) return places.get(key)!;
    const place = await deps.placeOf(ref);
    if (places.size >= PLACE_CACHE_LIMIT) places.delete(places.keys().next().value!);
    places.set(key, place);
    return place;
  };

  /** Guests (and people no longer on file) among these authors; accounts and staff keep their names. */
  const guestsAmong = async (authorIds: Iterable<string>): Promise<Set<string>> => {
    const guests = new Set<string>();
    for (const id of new Set(authorIds)) {
      const me = await deps.identity.me(id);
      if (!me || me.kind === 'guest') guests.add(id);
    }
    return guests;
  };

  /**
   * Whether an entry counts in this town hall's record. Questions are all known and forum posts
   * never live in a town hall; chat messages and poll answers ask their feature where they live.
   */
  async function concerns(entry: AuditEntry, place: string, known: Set<string>): Promise<boolean> {
    const ref = contentTarget(entry.target);
    if (!ref) return isAboutPlace(entry, place);
    if (known.has(entry.target)) return true;
    if (ref.kind === 'question' || ref.kind === 'post') return false;
    return (await placeOf(ref as ContentRef)) === place;
  }

  /**
   * The log only grows and entries never move, so what a town hall's earlier build found stays
   * true: each build reads only the entries appended since, not the whole site's log again.
   */
  const seen = new Map<string, SeenEntries>();
  async function moderationEntries(townHallId: string, known: Set<string>): Promise<SeenEntries['entries']> {
    const place = placeKey(townHallPlace(townHallId));
    const prior = seen.get(townHallId) ?? { after: 0, entries: [] };
    const found = [...prior.entries];
    let after = prior.after;
    for (;;) {
      const page = await deps.audit.list(after, AUDIT_PAGE);
      for (const entry of page) if (await concerns(entry, place, known)) found.push({ action: entry.action, reason: entry.reason });
      if (page.length > 0) after = page.at(-1)!.seq;
      if (page.length < AUDIT_PAGE) break;
    }
    // Of two builds at once, the one that read further is kept; each is whole on its own.
    if (after > (seen.get(townHallId)?.after ?? 0)) {
      seen.delete(townHallId);
      if (seen.size >= SEEN_LIMIT) seen.delete(seen.keys().next().value!);
      seen.set(townHallId, { after, entries: found });
    }
    return found;
  }

  return {
    async record(townHallId, now = Date.now()) {
      const townHall = await deps.townHalls.require(townHallId);
      if (townHall.status !== 'ended') {
        throw new CommandError(ErrorCode.CONFLICT, 'The record is published once the town hall has ended.');
      }
      const [settings, questions, topics] = await Promise.all([
        deps.settings.get(),
        deps.questions.listForRecord(townHallId),
        deps.topics.list(),
      ]);
      const on = settings.publish;
      const endedAt = endOf(townHall, questions);
      const namesGone = now >= guestNamesUntil(endedAt, settings);
      const guests = on.questions && namesGone ? await guestsAmong(questions.filter((q) => !q.anonymous).map((q) => q.authorId)) : new Set<string>();
      const [polls, chat, captions, moderation] = await Promise.all([
        on.polls ? deps.polls.publishedPolls(townHallId) : null,
        on.chat ? deps.sources.chatTranscript(townHallId) : null,
        on.captions ? deps.sources.captionTranscript(townHallId) : null,
        on.moderation ? moderationEntries(townHallId, new Set(questions.map((q) => `question:${q.id}`))) : null,
      ]);
      return buildRecord({
        townHall,
        settings,
        now,
        endedAt,
        questions: on.questions ? questions : null,
        dropName: (id) => guests.has(id),
        topics: new Map(topics.map((t) => [t.id, t])),
        polls,
        chat,
        captions,
        moderation,
      });
    },

    async townHallOf(entry) {
      const ref = contentTarget(entry.target);
      if (ref) return ref.kind === 'post' ? null : townHallIn(await placeOf(ref as ContentRef));
      if (entry.action === 'timeout' || entry.action === 'ban') return townHallIn(entry.note) ?? townHallIn(entry.target);
      return townHallIn(entry.target);
    },

    async purgeGuestNames(now = Date.now()) {
      const settings = await deps.settings.get();
      let townHalls = 0;
      let changed = 0;
      let chatChanged = 0;
      for (const townHall of await deps.townHalls.list()) {
        if (townHall.status !== 'ended') continue;
        const questions = await deps.questions.listForRecord(townHall.id);
        if (now < guestNamesUntil(endOf(townHall, questions), settings)) continue;
        const askers = new Set(questions.filter((q) => q.authorName !== DROPPED_NAME).map((q) => q.authorId));
        const chatters = new Set(await deps.sources.chatAuthors(townHall.id, DROPPED_NAME));
        if (askers.size === 0 && chatters.size === 0) continue;
        const guests = [...(await guestsAmong([...askers, ...chatters]))];
        const count = await deps.questions.forgetAuthorNames(townHall.id, guests.filter((id) => askers.has(id)), DROPPED_NAME);
        const chatCount = await deps.sources.forgetChatNames(townHall.id, guests.filter((id) => chatters.has(id)), DROPPED_NAME);
        if (count + chatCount > 0) townHalls++;
        changed += count;
        chatChanged += chatCount;
      }
      // Counts only: the names themselves are never logged.
      if (changed + chatChanged > 0) {
        deps.log.info({ townHalls, questions: changed, chatMessages: chatChanged }, 'guest names dropped from ended town halls');
      }
      return { townHalls, questions: changed, chatMessages: chatChanged };
    },
  };
}

/** Runs the purge now and then every `intervalMs` (hourly by default); failures are logged and retried next time. */
export function schedulePurge(service: RecordService, log: Logger, intervalMs = 3600_000): () => void {
  const run = () => void service.purgeGuestNames().catch((err) => log.warn({ err }, 'guest-name purge failed; retrying later'));
  run();
  const timer = setInterval(run, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
