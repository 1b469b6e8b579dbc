// The messages the crowd benchmark's processes exchange over Node IPC: the coordinator asks,
// a server or the load generator answers with the same `id`.
import type { Stall } from './stalls.js';

/** What a system under test reports about itself. `cpuMicros` is user + system time so far. */
export interface ServerSample {
  at: number;
  cpuMicros: number;
  heapUsed: number;
  rss: number;
  /** Memory outside the JavaScript heap that V8 knows of (Buffers, ArrayBuffers), for the soak's breakdown. */
  external: number;
  /** Resident memory by kind (`/proc/self/smaps_rollup`: anonymous, file-backed), where Linux has it. */
  anonymous?: number;
  /** V8's heap pages resident in memory (part of `anonymous`): with it, what is V8's and what the allocator's. */
  v8Resident?: number;
  /** Event listeners on one connected socket (Roundtable only): a large part of its heap per attendee. */
  listenersPerSocket?: number;
  /** The frame publisher's figures, from servers that send one frame per tick (not the naive baseline). */
  frames?: FrameStats;
  /** Where its event loop stood still since the last sample (the bench's forced GC excepted). */
  stalls?: Stall[];
}

/**
 * What a server sending one frame per tick says about it (Roundtable's `app.frames.stats()`,
 * and the raw ws baseline's own). The counters run from the server's start.
 */
export interface FrameStats {
  /** The tick of the largest room now. */
  tickMs: number;
  /** The event-loop lag the tick policy last saw. */
  lagMs: number;
  /** Frames not written to a connection because its outgoing buffer was over the threshold. */
  skippedFrames: number;
  /** `townhall:resync` sent: connections that skipped frames and drained. */
  resyncs: number;
  /** Chat messages left out of frames to the crowd under overload. */
  sampledChat: number;
}

export type ServerRequest =
  /** Makes (or reuses) `count` residents and returns their cookie headers. */
  | { id: number; kind: 'sessions'; count: number }
  /** A fresh live town hall in post-moderation. */
  | { id: number; kind: 'townhall' }
  /** Forces a full GC first when `gc` is set, so heap figures compare like with like. */
  | { id: number; kind: 'sample'; gc: boolean }
  | { id: number; kind: 'close' };

export type ServerReply =
  | { id: number; kind: 'sessions'; cookies: string[] }
  | { id: number; kind: 'townhall'; townHallId: string }
  | { id: number; kind: 'sample'; sample: ServerSample }
  | { id: number; kind: 'close' }
  | { id: number; kind: 'error'; message: string };

/** Sent once by every server entry when it listens. */
export interface ServerReady {
  kind: 'ready';
  port: number;
}

/** One step as the generator runs it. */
export interface StepPlan {
  /** One URL per server node; clients are spread over them in turn. */
  urls: string[];
  /** One cookie header per client (probes first). */
  cookies: string[];
  probes: number;
  townHallId: string;
  seconds: number;
  connectPerSecond: number;
  votesPerSecond: number;
  questionsPerSecond: number;
  chatPerSecond: number;
  tallyIntervalMs: number;
  /** Clients reconnect with back-off and re-join when their connection drops (the reconnect storm). */
  reconnect: boolean;
}

/** What the reconnect storm saw, from the kill of the server to every screen re-joined. */
export interface StormResult {
  /** Clients whose connection dropped, and how many of them re-joined by the end. */
  dropped: number;
  rejoined: number;
  /** From the kill to each client's re-join. */
  rejoin: LatencySummary;
  /** What went wrong on the clients' way back, by kind: failed connections, refusals by code, joins not answered in time. */
  troubles: Record<string, number>;
  /** The counts a fresh join read after the storm lie between the acknowledged votes and those plus the unknown ones. */
  truthWithinBounds: boolean;
  /** Votes counted by the server beyond the acknowledged ones (votes in flight at the kill that it had stored). */
  unacknowledgedButCounted: number;
}

export interface LatencySummary {
  count: number;
  p50: number;
  p99: number;
  max: number;
  /** The histogram's non-empty buckets, [index, weighted count], where a summary is to be pooled with others. */
  buckets?: [number, number][];
}

export interface StepResult {
  clients: number;
  connectErrors: number;
  vote: LatencySummary;
  /** Vote latency seen by the socket.io-client probes alone. */
  voteProbes: LatencySummary;
  question: LatencySummary;
  chat: LatencySummary;
  sent: { votes: number; questions: number; chats: number };
  acked: { votes: number; questions: number; chats: number };
  /** Error codes of refused commands, with how many. */
  refused: Record<string, number>;
  /** Screens × items never seen, and screens whose final vote counts differ from the acknowledged votes. */
  lost: { questions: number; chats: number; voteScreens: number };
  /**
   * Screens × chat messages a screen did not show by design, not lost: left out of its frames
   * under overload (`chat:messages-skipped`), or older than the join snapshot's window of
   * recent messages after it re-joined.
   */
  sampledChats: number;
  /** `townhall:resync` the clients received (and re-joined after). */
  resyncs: number;
  /** Questions and chat messages the word filter held for review (their text's numbers can read as words). */
  held: number;
  /** Commands whose connection closed before their acknowledgement came: their outcome is unknown. */
  unknown: { votes: number; questions: number; chats: number };
  /** Commands not sent because their client was reconnecting (a person cannot vote while offline). */
  offline: number;
  /** Socket.IO events received by all clients per second during the schedule, and their bytes. */
  messagesPerSecond: number;
  bytesPerSecond: number;
  /** Votes reaching screens per second (each vote counted once per screen that shows it). */
  voteDeliveriesPerSecond: number;
  /**
   * The generator's own CPU (of which in the kernel: mostly its socket reads), the time it
   * waited for a CPU that other work held (in % of the window), and its event-loop delay.
   */
  generator: { cpuPercent: number; systemPercent: number; waitedPercent: number; lagP99Ms: number; stalls: Stall[] };
  /** Wall time of the schedule window, for the server's CPU figure. */
  windowMs: number;
  /** When the schedule started (epoch ms), and the votes shown later than the target by the second of the window they were sent in. */
  startedAt: number;
  lateBySecond: number[];
  storm?: StormResult;
}

export type GeneratorRequest =
  | { id: number; kind: 'connect'; plan: StepPlan }
  /** Fresh questions to vote on and fresh screens for the same connected crowd (the soak's next window). */
  | { id: number; kind: 'rearm' }
  | { id: number; kind: 'run' }
  /** The coordinator killed the server at `at` (epoch ms): re-joins are timed from then. */
  | { id: number; kind: 'killed'; at: number }
  | { id: number; kind: 'disconnect' };

export type GeneratorReply =
  | { id: number; kind: 'connected'; joined: number; failed: number }
  | { id: number; kind: 'ran'; result: StepResult }
  | { id: number; kind: 'rearmed' }
  | { id: number; kind: 'noted' }
  | { id: number; kind: 'disconnected' }
  | { id: number; kind: 'error'; message: string };

/** Unsolicited, a few times a second, for the progress bar. */
export interface GeneratorProgress {
  kind: 'progress';
  phase: string;
  done: number;
  total: number;
}
