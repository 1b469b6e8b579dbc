import type {
  ContentKind,
  ContentPlace,
  ContentRef,
  FilterHit,
  HoldReason,
  ModerationMode,
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

export interface Screening {
  outcome: 'publish' | 'hold';
  holdReason: HoldReason | null;
  hits: FilterHit[];
  /** The text to store: as written, or with masked words replaced. */
  text: string;
}

export interface ScreenInput {
  author: SessionUser;
  /** 'townhall:<id>' or 'thread:<id>': where slow mode and room bans apply. */
  place: string;
  /** The town hall whose room bans apply, if any. */
  townHallId: string | null;
  text: string;
  mode: ModerationMode;
}

/**
 * The moderation pipeline as features use it: every piece of user content is screened before
 * it is stored (bans and timeouts → FORBIDDEN with the end time; slow mode → RATE_LIMITED;
 * a `block` filter entry → INVALID_PAYLOAD; `mask` entries masked; `hold` entries, the public
 * lists and pre-moderation → held), and reported after it is stored so held items join the
 * moderators' queue. Screening also notes that the author took part in the place, as votes and
 * ballots do through `tookPart`. Flags, decisions, appeals and notices arrive through the `mod:`
 * commands.
 */
export interface ModerationPipeline {
  registerKind(adapter: ContentAdapter): void;
  screen(input: ScreenInput): Promise<Screening>;
  /** FORBIDDEN (with the end time) for a person under a timeout or ban here; for votes and flags. */
  requireAllowed(user: SessionUser, townHallId: string | null): Promise<void>;
  /** Seconds between messages a resident must wait in a place (0: slow mode is off). */
  slowMode(place: string): Promise<number>;
  /**
   * The person voted or cast a ballot in a place, so their flags there count (see `flagCounts`).
   * `screen` marks writers itself.
   */
  tookPart(userId: string, place: string): Promise<void>;
  submitted(item: { ref: ContentRef; place: string; status: ContentStatus; createdAt: number }): Promise<void>;
}
