import type {
  ContentKind,
  Notice,
  ContentPlace,
  ContentRef,
  FilterHit,
  HoldReason,
  ModerationMode,
  Place,
  ReasonCode,
} from '../../shared/moderation.js';
import type { SessionUser } from '../core/types.js';

/** The statuses every kind of content shares. held: first review; hidden: taken down pending review. */
export type ContentStatus = 'held' | 'published' | 'hidden' | 'rejected' | 'removed';

export interface Decision {
  by: string;
  at: number;
  reason: ReasonCode | null;
  note: string | null;
}

/** One item of content as the pipeline sees it, whatever feature keeps it. */
export interface ContentSummary {
  ref: ContentRef;
  place: ContentPlace;
  authorId: string;
  authorName: string;
  /** The author hid their name from the public: staff see a pseudonym instead. */
  anonymous: boolean;
  text: string;
  status: ContentStatus;
  createdAt: number;
  holdReason: HoldReason | null;
  filterHits: FilterHit[];
  decision: Decision | null;
}

/**
 * What a feature gives the pipeline for its kind of content. The feature keeps the content and
 * its status; the pipeline decides and asks the feature to apply the decision.
 */
export interface ContentAdapter {
  kind: ContentKind;
  describe(id: string): Promise<ContentSummary | null>;
  /**
   * Compare-and-set of the status (null when the item is not in one of `from`), after which the
   * feature tells its own clients (a removal leaves every screen, a restore comes back).
   */
  transition(id: string, from: ContentStatus[], to: ContentStatus, decision: Decision): Promise<ContentSummary | null>;
}

/** What a feature asks the entrance to admit: who writes what, where, under which mode. */
export interface Admission {
  kind: ContentKind;
  author: SessionUser;
  /** Where slow mode, taking part and (for a town hall) room bans apply. */
  place: Place;
  text: string;
  mode: ModerationMode;
}

/** What screening made of the text, ready for the feature to store as it is. */
export interface AdmittedFields {
  /** As written, or with masked words replaced. */
  text: string;
  status: 'published' | 'held';
  holdReason: HoldReason | null;
  filterHits: FilterHit[];
}

/**
 * Which stored item a write produced, so that one left held joins the queue. `place` is where it
 * is queued when that is not where it was screened (a new thread is screened in its category).
 */
export interface StoredItem {
  id: string;
  createdAt: number;
  status: ContentStatus;
  place?: Place;
}

export type Writer<T> = (fields: AdmittedFields) => Promise<T>;

/**
 * Moderation as features use it. Every piece of user content comes in through `admit`, which
 * screens it before it is stored (bans and timeouts → FORBIDDEN with the end time; slow mode →
 * RATE_LIMITED; a `block` filter entry → INVALID_PAYLOAD; `mask` entries masked; `hold`
 * entries, the public lists, personal information (less the department's allow-list) and
 * pre-moderation → held), notes that the author took part in the place, hands the feature's
 * writer the fields to store, and queues what was stored held. Votes and ballots check `requireAllowed` and mark `tookPart` themselves. Flags, decisions, appeals
 * and notices arrive through the `mod:` commands.
 */
export interface ModerationPipeline {
  registerKind(adapter: ContentAdapter): void;
  /** Admits content whose writer returns the stored record (or null when nothing was stored). */
  admit<T extends StoredItem | null>(admission: Admission, write: Writer<T>): Promise<T>;
  /** Admits content whose writer returns something else; `stored` says which item it stored. */
  admit<T>(admission: Admission, write: Writer<T>, stored: (result: T) => StoredItem | null): Promise<T>;
  /** FORBIDDEN (with the end time) for a person under a timeout or ban here; for votes and flags. */
  requireAllowed(user: SessionUser, townHallId: string | null): Promise<void>;
  /** Seconds between messages a resident must wait in a place (0: slow mode is off). */
  slowMode(place: Place): Promise<number>;
  /**
   * The person voted or cast a ballot in a place, so their flags there count (see `flagCounts`).
   * `admit` marks writers itself.
   */
  tookPart(userId: string, place: Place): Promise<void>;
  /**
   * An action a feature took on content itself (a host merging questions) joins the audit chain
   * beside moderators' decisions, on the item it was taken on.
   */
  recordAction(actor: SessionUser, action: string, ref: ContentRef, note: string | null): Promise<void>;
  /** Tells an author about that action on their item, as decisions are told (a stored notice, live if they are here). */
  notifyAuthor(item: Pick<ContentSummary, 'authorId' | 'ref' | 'text'>, action: Notice['action']): Promise<void>;
}
