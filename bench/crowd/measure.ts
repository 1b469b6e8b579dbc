// What the load generator measures, kept in flat arrays because ten thousand screens update it
// hundreds of thousands of times a second.
import { CHAT_LIMITS } from '../../shared/chat.js';
import type { LatencySummary } from './protocol.js';
import { TARGET_P99_MS } from './report.js';

const BUCKET_MS = 0.25;
/** Ids are keyed by their first characters, 7 bits each (49 bits in all), and checked in full on a hit. */
const KEY_CHARS = 7;
const BUCKETS = 120_000;

/** A latency histogram with fixed buckets (0.25 ms: up to 30 s); samples may carry a weight (for sampling). */
export class Histogram {
  private readonly counts = new Float64Array(BUCKETS);
  private total = 0;
  private maxMs = 0;

  /** Slower samples land in the last bucket (`bucketMs` × 120,000); the maximum stays exact. */
  constructor(private readonly bucketMs = BUCKET_MS) {}

  add(ms: number, weight = 1): void {
    const bucket = Math.min(BUCKETS - 1, Math.max(0, Math.floor(ms / this.bucketMs)));
    this.counts[bucket]! += weight;
    this.total += weight;
    if (ms > this.maxMs) this.maxMs = ms;
  }

  private percentile(p: number): number {
    const wanted = this.total * p;
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i]!;
      if (seen >= wanted && seen > 0) return Math.min(this.maxMs, (i + 1) * this.bucketMs);
    }
    return this.maxMs;
  }

  /** With `withBuckets`, the summary carries the non-empty buckets, so that windows can be pooled (`pooled`). */
  summary(withBuckets = false): LatencySummary {
    if (this.total === 0) return { count: 0, p50: NaN, p99: NaN, max: NaN };
    const summary: LatencySummary = { count: Math.round(this.total), p50: this.percentile(0.5), p99: this.percentile(0.99), max: this.maxMs };
    if (withBuckets) {
      summary.buckets = [];
      for (let i = 0; i < BUCKETS; i++) if (this.counts[i]! > 0) summary.buckets.push([i, this.counts[i]!]);
    }
    return summary;
  }

  /**
   * One summary of several windows' samples, as if one histogram had taken them all: the soak's
   * p99 over every vote of its thirty minutes, not a percentile of per-minute percentiles.
   */
  static pooled(parts: LatencySummary[]): LatencySummary {
    const all = new Histogram();
    for (const part of parts) {
      if (part.count > 0 && !part.buckets) throw new Error('pooled() needs summaries taken with their buckets');
      for (const [i, count] of part.buckets ?? []) {
        all.counts[i]! += count;
        all.total += count;
      }
      if (part.count > 0) all.maxMs = Math.max(all.maxMs, part.max);
    }
    return all.summary();
  }
}

/** One step's shared record: what was sent when, what was acknowledged, and the histograms. */
export class Tracker {
  readonly hotIndex = new Map<string, number>();
  readonly hotIds: string[] = [];
  /** The same by a number made of the id's first characters (see idKey), for reading ids straight from bytes. */
  private readonly hotKeys = new Map<number, number>();
  readonly voteSentAt: Float64Array[];
  readonly votesSent: Int32Array;
  readonly votesAcked: Int32Array;
  readonly questionSentAt: Float64Array;
  readonly questionAcked: Uint8Array;
  readonly chatSentAt: Float64Array;
  readonly chatAcked: Uint8Array;
  /** When each chat message's acknowledgement came: which screens were owed it after a re-join. */
  readonly chatAckedAt: Float64Array;
  /** Votes per question whose connection closed before their acknowledgement (outcome unknown). */
  readonly votesUnknown: Int32Array;
  /**
   * The counts every screen must end with, when known better than by the acknowledgements:
   * after a server restart, read from a fresh join (acknowledged ≤ these ≤ acknowledged + unknown).
   */
  voteTruth: Int32Array | null = null;
  questionsAckedCount = 0;
  chatsAckedCount = 0;
  sentCount = { votes: 0, questions: 0, chats: 0 };
  unknown = { votes: 0, questions: 0, chats: 0 };
  offline = 0;
  resyncs = 0;
  /** Questions and chat held by the word filter: acknowledged, but shown to their author only. */
  held = 0;
  answered = 0;
  readonly refused: Record<string, number> = {};
  readonly vote = new Histogram();
  readonly voteProbes = new Histogram();
  readonly question = new Histogram();
  readonly chat = new Histogram();
  /** Rates are counted during the schedule only, not while screens catch up after it. */
  counting = false;
  /** When the schedule started (this process's clock), and the votes shown later than the target by the second they were sent in. */
  startedAt = 0;
  readonly lateBySecond: number[] = [];
  messages = 0;
  bytes = 0;
  voteDeliveries = 0;

  constructor(
    readonly hotQuestions: number,
    readonly votesPerQuestion: number,
    readonly maxQuestions: number,
    readonly maxChats: number,
    /** Crowd screens record every `voteSampleEvery`-th vote, weighted by it (probes record all). */
    readonly voteSampleEvery: number,
  ) {
    this.voteSentAt = Array.from({ length: hotQuestions }, () => new Float64Array(votesPerQuestion + 1));
    this.votesSent = new Int32Array(hotQuestions);
    this.votesAcked = new Int32Array(hotQuestions);
    this.questionSentAt = new Float64Array(maxQuestions);
    this.questionAcked = new Uint8Array(maxQuestions);
    this.chatSentAt = new Float64Array(maxChats);
    this.chatAcked = new Uint8Array(maxChats);
    this.chatAckedAt = new Float64Array(maxChats);
    this.votesUnknown = new Int32Array(hotQuestions);
  }

  private ackTimes: Float64Array | null = null;

  /** The acknowledgement times of the chat acknowledged so far, ascending. */
  chatAckTimes(): Float64Array {
    if (this.ackTimes?.length !== this.chatsAckedCount) {
      const times: number[] = [];
      for (let m = 0; m < this.chatAcked.length; m++) if (this.chatAcked[m]) times.push(this.chatAckedAt[m]!);
      this.ackTimes = Float64Array.from(times).sort();
    }
    return this.ackTimes;
  }

  /** The count question `index` must end with on every screen. */
  voteTarget(index: number): number {
    return this.voteTruth ? this.voteTruth[index]! : this.votesAcked[index]!;
  }

  /** Question `index` of those voted on has this id. */
  addHot(id: string, index: number): void {
    this.hotIndex.set(id, index);
    this.hotIds[index] = id;
    let key = 0;
    for (let i = 0; i < KEY_CHARS && i < id.length; i++) key = key * 128 + (id.charCodeAt(i) & 0x7f);
    this.hotKeys.set(key, index);
  }

  /** The index of the voted-on question whose id is the bytes `from`..`to`, or -1: without making a string. */
  hotAt(buf: Buffer, from: number, to: number): number {
    let key = 0;
    for (let i = from; i < from + KEY_CHARS && i < to; i++) key = key * 128 + (buf[i]! & 0x7f);
    const index = this.hotKeys.get(key);
    if (index === undefined) return -1;
    const id = this.hotIds[index]!;
    if (id.length !== to - from) return -1;
    for (let i = 0; i < id.length; i++) if (id.charCodeAt(i) !== buf[from + i]) return -1;
    return index;
  }

  /** A vote sent at `sentAt` reached a screen later than the target. */
  late(sentAt: number, weight: number): void {
    const second = Math.max(0, Math.floor((sentAt - this.startedAt) / 1000));
    this.lateBySecond[second] = (this.lateBySecond[second] ?? 0) + weight;
  }

  refusedWith(code: string): void {
    this.refused[code] = (this.refused[code] ?? 0) + 1;
  }
}

/** The parts of a `townhall:join` snapshot a screen reads after a re-join. */
export interface JoinSnapshot {
  qa?: { questions?: { id: string; text: string; votes: number }[] };
  chat?: { messages?: { text: string }[] };
}

/** What one client has seen. Probes and crowd clients both report into one of these. */
export class Screen {
  readonly seen: Int32Array;
  readonly questionsSeen: Uint8Array;
  readonly chatsSeen: Uint8Array;
  questionsSeenCount = 0;
  chatsSeenCount = 0;
  /** Chat messages the server said it left out of this screen's frames (`chat:messages-skipped`). */
  chatsSkipped = 0;
  /** When this screen last (re)joined after the step began, 0 if it has not: a re-join's snapshot holds only recent chat. */
  rejoinedAt = 0;

  constructor(
    readonly t: Tracker,
    private readonly probe: boolean,
    /** Which votes this crowd screen samples: k ≡ phase (mod voteSampleEvery). */
    private readonly phase: number,
  ) {
    this.seen = new Int32Array(t.hotQuestions);
    this.questionsSeen = new Uint8Array(t.maxQuestions);
    this.chatsSeen = new Uint8Array(t.maxChats);
  }

  /** Socket.IO events received, for deliveries/s. */
  received(bytes: number): void {
    if (!this.t.counting) return;
    this.t.messages++;
    this.t.bytes += bytes;
  }

  /** A tally says question `index` now has `count` votes: votes seen..count reach this screen now. */
  tally(index: number, count: number, now: number): void {
    const before = this.seen[index]!;
    if (count <= before) return;
    this.seen[index] = count;
    const t = this.t;
    if (t.counting) t.voteDeliveries += count - before;
    const sentAt = t.voteSentAt[index]!;
    const last = Math.min(count, t.votesSent[index]!);
    if (this.probe) {
      for (let k = before + 1; k <= last; k++) {
        const ms = now - sentAt[k]!;
        t.vote.add(ms);
        t.voteProbes.add(ms);
        if (ms > TARGET_P99_MS) t.late(sentAt[k]!, 1);
      }
      return;
    }
    const every = t.voteSampleEvery;
    let k = before + 1 + ((this.phase - ((before + 1) % every) + every) % every);
    for (; k <= last; k += every) {
      const ms = now - sentAt[k]!;
      t.vote.add(ms, every);
      if (ms > TARGET_P99_MS) t.late(sentAt[k]!, every);
    }
  }

  question(seq: number, now: number): void {
    if (seq >= this.questionsSeen.length || this.questionsSeen[seq]) return;
    this.questionsSeen[seq] = 1;
    this.questionsSeenCount++;
    this.t.question.add(now - this.t.questionSentAt[seq]!);
  }

  chat(seq: number, now: number): void {
    if (seq >= this.chatsSeen.length || this.chatsSeen[seq]) return;
    this.chatsSeen[seq] = 1;
    this.chatsSeenCount++;
    this.t.chat.add(now - this.t.chatSentAt[seq]!);
  }

  /**
   * A re-join's snapshot (after `townhall:resync` or a reconnect): its counts are absolute, and
   * its questions and recent chat stand in for the facts this screen missed.
   */
  rejoined(snapshot: JoinSnapshot | undefined, now: number): void {
    this.rejoinedAt = now;
    const hotIndex = this.t.hotIndex;
    for (const q of snapshot?.qa?.questions ?? []) {
      const index = hotIndex.get(q.id);
      if (index !== undefined) this.tally(index, q.votes, now);
      const seq = seqIn(q.text, 'Q');
      if (seq >= 0) this.question(seq, now);
    }
    for (const m of snapshot?.chat?.messages ?? []) {
      const seq = seqIn(m.text, 'C');
      if (seq >= 0) this.chat(seq, now);
    }
  }

  skipped(count: number): void {
    this.chatsSkipped += count;
  }

  /** Whether this screen shows everything acknowledged so far. */
  upToDate(): boolean {
    const t = this.t;
    if (this.questionsSeenCount < t.questionsAckedCount) return false;
    for (let i = 0; i < t.hotQuestions; i++) if (this.seen[i] !== t.voteTarget(i)) return false;
    if (this.chatsSeenCount + this.chatsSkipped >= t.chatsAckedCount) return true;
    return this.rejoinedAt > 0 && chatOwed(this).missing <= this.chatsSkipped;
  }
}

/**
 * The chat a screen was owed and did not show. A screen that (re)joined during the step was
 * owed what was acknowledged after it joined, and the window of recent messages its snapshot
 * holds (less the messages whose fate is unknown, which may occupy that window); older
 * messages are not on anyone's screen after a join, by design.
 */
export function chatOwed(screen: Screen): { missing: number; outOfWindow: number } {
  const t = screen.t;
  let missing = 0;
  if (screen.rejoinedAt === 0) {
    for (let m = 0; m < t.chatAcked.length; m++) if (t.chatAcked[m] && !screen.chatsSeen[m]) missing++;
    return { missing, outOfWindow: 0 };
  }
  const before: number[] = [];
  for (let m = 0; m < t.chatAcked.length; m++) {
    if (!t.chatAcked[m] || screen.chatsSeen[m]) continue;
    if (t.chatAckedAt[m]! >= screen.rejoinedAt) missing++;
    else before.push(m);
  }
  // Unseen messages acknowledged before the join: owed if among the window's most recent.
  const window = Math.max(0, CHAT_LIMITS.recent - t.unknown.chats);
  const times = t.chatAckTimes();
  const joinRank = countBelow(times, screen.rejoinedAt);
  let outOfWindow = 0;
  for (const m of before) {
    const newer = joinRank - countBelow(times, t.chatAckedAt[m]!) - 1;
    if (newer >= window) outOfWindow++;
    else missing++;
  }
  return { missing, outOfWindow };
}

/** How many of the ascending `times` are below `at`. */
function countBelow(times: Float64Array, at: number): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (times[mid]! < at) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** What the screens failed to show after the drain (see StepResult's `lost` and `sampledChats`). */
export function losses(t: Tracker, screens: Screen[]): { questions: number; chats: number; voteScreens: number; sampledChats: number } {
  const lost = { questions: 0, chats: 0, voteScreens: 0, sampledChats: 0 };
  for (const screen of screens) {
    for (let q = 0; q < t.questionAcked.length; q++) if (t.questionAcked[q] && !screen.questionsSeen[q]) lost.questions++;
    const chat = chatOwed(screen);
    const sampled = Math.min(chat.missing, screen.chatsSkipped);
    lost.chats += chat.missing - sampled;
    lost.sampledChats += sampled + chat.outOfWindow;
    for (let q = 0; q < t.hotQuestions; q++) {
      if (screen.seen[q] !== t.voteTarget(q)) {
        lost.voteScreens++;
        break;
      }
    }
  }
  return lost;
}

/** Reads the decimal number starting at `from` (for sequence numbers in frames). */
export function readInt(buf: Buffer, from: number): number {
  let n = 0;
  for (let i = from; i < buf.length; i++) {
    const c = buf[i]!;
    if (c < 48 || c > 57) break;
    n = n * 10 + (c - 48);
  }
  return n;
}

/** Marks in question and chat text: `Q#<seq>@<sent ms>` and `C#<seq>@<sent ms>`. */
export const QUESTION_MARK = Buffer.from('Q#');
export const CHAT_MARK = Buffer.from('C#');
export const markOf = (kind: 'Q' | 'C', seq: number, at: number) => `${kind}#${seq}@${Math.round(at)}`;
export function seqIn(text: string, kind: 'Q' | 'C'): number {
  const at = text.indexOf(`${kind}#`);
  return at < 0 ? -1 : Number.parseInt(text.slice(at + 2), 10);
}
