// The messages the crowd benchmark's processes exchange over Node IPC: the coordinator asks,
// a server or the load generator answers with the same `id`.

/** What a system under test reports about itself. `cpuMicros` is user + system time so far. */
export interface ServerSample {
  at: number;
  cpuMicros: number;
  heapUsed: number;
  rss: number;
  /** Event listeners on one connected socket (Roundtable only): a large part of its heap per attendee. */
  listenersPerSocket?: number;
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
}

export interface LatencySummary {
  count: number;
  p50: number;
  p99: number;
  max: number;
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
  /** Socket.IO events received by all clients per second during the schedule, and their bytes. */
  messagesPerSecond: number;
  bytesPerSecond: number;
  /** Votes reaching screens per second (each vote counted once per screen that shows it). */
  voteDeliveriesPerSecond: number;
  generator: { cpuPercent: number; lagP99Ms: number };
  /** Wall time of the schedule window, for the server's CPU figure. */
  windowMs: number;
}

export type GeneratorRequest =
  | { id: number; kind: 'connect'; plan: StepPlan }
  | { id: number; kind: 'run' }
  | { id: number; kind: 'disconnect' };

export type GeneratorReply =
  | { id: number; kind: 'connected'; joined: number; failed: number }
  | { id: number; kind: 'ran'; result: StepResult }
  | { id: number; kind: 'disconnected' }
  | { id: number; kind: 'error'; message: string };

/** Unsolicited, a few times a second, for the progress bar. */
export interface GeneratorProgress {
  kind: 'progress';
  phase: string;
  done: number;
  total: number;
}
