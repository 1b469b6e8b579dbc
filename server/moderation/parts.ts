// The named parts of moderation and what each offers the others and the `mod:` handlers.
import type { ContentRef, FilterAction, FilterEntry, Notice, ReasonCode, Sanction } from '../../shared/moderation.js';
import type { QueueItemView, QueueStats } from '../../shared/moderation-events.js';
import type { SessionUser } from '../core/types.js';
import type { AppealStore } from './appeal-store.js';
import type { WordFilter } from './filter.js';
import type { FilterStore } from './filter-store.js';
import type { ContentAdapter, ContentStatus, ContentSummary, ModerationPipeline } from './pipeline-types.js';
import type { QueueEntry, QueueStore } from './queue-store.js';
import type { NewSanction, SanctionStore } from './sanction-store.js';

/** Appends one entry to the audit chain. */
export type Recorder = (actor: SessionUser, action: string, target: string, reason: string | null, note: string | null) => Promise<void>;

/** Every feature's content, through the adapters the features register. */
export interface ContentDirectory {
  register(adapter: ContentAdapter): void;
  /** NOT_FOUND for a kind nobody registered. */
  adapterFor(ref: ContentRef): ContentAdapter;
  /** NOT_FOUND for an item that does not exist. */
  describe(ref: ContentRef): Promise<ContentSummary>;
  /** The pseudonym moderators see for an anonymous author, the same one the place shows staff. */
  handleOf(item: ContentSummary): string;
}

/** The word lists: the configured ones and the department's own, compiled once per version. */
export interface FilterPart {
  store: FilterStore;
  current(): Promise<WordFilter>;
  /** Adds a term, records it and shows the console the new list; null when it is there already. */
  add(actor: SessionUser, term: string, action: FilterAction): Promise<FilterEntry | null>;
  /** Removes an entry, records it and shows the console the new list; null when there is no such entry. */
  remove(actor: SessionUser, id: string): Promise<FilterEntry | null>;
}

/** The queue moderators work from, and what the console is told when it changes. */
export interface QueuePart {
  store: QueueStore;
  view(entry: QueueEntry): Promise<QueueItemView | null>;
  stats(): Promise<QueueStats>;
  /** Adds or updates an entry and shows the console. */
  enqueue(entry: Omit<QueueEntry, 'claim'>): Promise<QueueEntry>;
  /** Takes an item off the queue, and tells the console if it was there. */
  dequeue(ref: ContentRef, at?: number): Promise<void>;
}

/** Timeouts and bans: checked on every write, vote and flag; given and lifted by moderators. */
export interface SanctionsPart {
  store: SanctionStore;
  /** FORBIDDEN (with the end time) for a person under a timeout or ban here; staff are never sanctioned. */
  requireAllowed(user: SessionUser, townHallId: string | null): Promise<void>;
  /** Stores a sanction, makes this node see it at once, tells the listeners and records it (`note` for the record). */
  give(actor: SessionUser, sanction: NewSanction, note: string): Promise<Sanction>;
  /** Lifts a sanction, makes this node see it at once and records it; null when it is not active. */
  lift(actor: SessionUser, id: string): Promise<Sanction | null>;
  /** Drops this node's cached sanctions of a person (another node changed them). */
  forget(userId: string): void;
  /** In-process listeners for sanctions given on this node (the town hall media closes the person's video). */
  onSanction(listener: (sanction: Sanction) => void): () => void;
}

/** What authors are told about decisions on their items, and their appeals. */
export interface AppealsPart {
  store: AppealStore;
  /** The stored notice, and live if the author is here. */
  notify(
    item: Pick<ContentSummary, 'authorId' | 'ref' | 'text'>,
    action: Notice['action'],
    reason: ReasonCode | null,
    canAppeal: boolean,
    at?: number,
  ): Promise<void>;
}

export interface DecideInput {
  actor: SessionUser;
  item: ContentSummary;
  /** The status the item moves to; null leaves it as it is (an appeal upheld). */
  to: ContentStatus | null;
  /** The audit chain's action. */
  action: string;
  reason: ReasonCode | null;
  note: string | null;
  /** What the author is told; `reason` when it differs from the decision's. */
  notice: { action: Notice['action']; canAppeal: boolean; reason?: ReasonCode | null } | null;
  /** Keeps the item queued for review (hiding), instead of taking it off the queue. */
  requeue?: { reason: 'flagged' | 'hidden'; flags: number };
}

/** Moderation as the `mod:` handlers and the app see it: the features' entrance and the named parts. */
export interface ModerationCore {
  pipeline: ModerationPipeline;
  content: ContentDirectory;
  filter: FilterPart;
  queue: QueuePart;
  sanctions: SanctionsPart;
  appeals: AppealsPart;
  /**
   * Every decision on an item — a moderator's, flags hiding it, an appeal's outcome: applied
   * through the feature's compare-and-set, recorded, told to the author, taken off (or kept in)
   * the queue, shown on the console.
   */
  decide(input: DecideInput): Promise<ContentSummary>;
  record: Recorder;
}
