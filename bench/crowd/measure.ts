// What the load generator measures, kept in flat arrays because ten thousand screens update it
// hundreds of thousands of times a second.
import type { LatencySummary } from './protocol.js';

const BUCKET_MS = 0.25;
const BUCKETS = 120_000; // 30 s; slower arrivals land in the last bucket

/** A latency histogram with fixed 0.25 ms buckets; samples may carry a weight (for sampling). */
export class Histogram {
  private readonly counts = new Float64Array(BUCKETS);
  private total = 0;
  private maxMs = 0;

  add(ms: number, weight = 1): void {
    const bucket = Math.min(BUCKETS - 1, Math.max(0, Math.floor(ms / BUCKET_MS)));
    this.counts[bucket]! += weight;
    this.total += weight;
    if (ms > this.maxMs) this.maxMs = ms;
  }

  private percentile(p: number): number {
    const wanted = this.total * p;
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i]!;
      if (seen >= wanted && seen > 0) return (i + 1) * BUCKET_MS;
    }
    return this.maxMs;
  }

  summary(): LatencySummary {
    if (this.total === 0) return { count: 0, p50: NaN, p99: NaN, max: NaN };
    return { count: Math.round(this.total), p50: this.percentile(0.5), p99: this.percentile(0.99), max: this.maxMs };
  }
}

/** One step's shared record: what was sent when, what was acknowledged, and the histograms. */
export class Tracker {
  readonly hotIndex = new Map<string, number>();
  readonly hotIds: string[] = [];
  readonly voteSentAt: Float64Array[];
  readonly votesSent: Int32Array;
  readonly votesAcked: Int32Array;
  readonly questionSentAt: Float64Array;
  readonly questionAcked: Uint8Array;
  readonly chatSentAt: Float64Array;
  readonly chatAcked: Uint8Array;
  questionsAckedCount = 0;
  chatsAckedCount = 0;
  sentCount = { votes: 0, questions: 0, chats: 0 };
  answered = 0;
  readonly refused: Record<string, number> = {};
  readonly vote = new Histogram();
  readonly voteProbes = new Histogram();
  readonly question = new Histogram();
  readonly chat = new Histogram();
  /** Rates are counted during the schedule only, not while screens catch up after it. */
  counting = false;
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
  }

  refusedWith(code: string): void {
    this.refused[code] = (this.refused[code] ?? 0) + 1;
  }
}

/** What one client has seen. Probes and crowd clients both report into one of these. */
export class Screen {
  readonly seen: Int32Array;
  readonly questionsSeen: Uint8Array;
  readonly chatsSeen: Uint8Array;
  questionsSeenCount = 0;
  chatsSeenCount = 0;

  constructor(
    private readonly t: Tracker,
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
      }
      return;
    }
    const every = t.voteSampleEvery;
    let k = before + 1 + ((this.phase - ((before + 1) % every) + every) % every);
    for (; k <= last; k += every) t.vote.add(now - sentAt[k]!, every);
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

  /** Whether this screen shows everything acknowledged so far. */
  upToDate(): boolean {
    const t = this.t;
    if (this.questionsSeenCount < t.questionsAckedCount || this.chatsSeenCount < t.chatsAckedCount) return false;
    for (let i = 0; i < t.hotQuestions; i++) if (this.seen[i] !== t.votesAcked[i]) return false;
    return true;
  }
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
