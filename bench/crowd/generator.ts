// The load generator, in its own process on its own core: connects the probes and the crowd,
// seeds the questions people vote on, plays the open-loop schedule, waits for every screen to
// catch up, and reports what each screen saw. It also watches itself: a step it could not keep
// up with is reported as saturated by the coordinator.
import { readFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import { CrowdClient, DISCONNECTED, type AckReply, type BenchClient } from './crowd-client.js';
import { Histogram, losses, markOf, Screen, Tracker, type JoinSnapshot } from './measure.js';
import { ProbeClient } from './probe-client.js';
import type { GeneratorProgress, GeneratorReply, GeneratorRequest, StepPlan, StepResult, StormResult } from './protocol.js';
import { buildSchedule, CHAT_TEXT, hotQuestionCount, QUESTION_TEXT, type Planned } from './schedule.js';
import { watchStalls } from './stalls.js';

/** Deliveries the screens may still be owed after the schedule ends, before they count as lost. */
const DRAIN_TIMEOUT_MS = 10_000;
const LAG_RESOLUTION_MS = 10;
/** How long the storm waits for every client to re-join after the kill before it reports who did not. */
const REJOIN_TIMEOUT_MS = 120_000;
/** Re-join times are kept in 5 ms buckets: up to 10 minutes. */
const REJOIN_BUCKET_MS = 5;
/** Crowd screens sample votes so that they record about this many latencies a second. */
const VOTE_SAMPLES_PER_SECOND = 100_000;

interface Step {
  plan: StepPlan;
  tracker: Tracker;
  clients: BenchClient[];
  /** The clients that joined; the schedule's client numbers index this. */
  live: BenchClient[];
  joined: number;
  failed: number;
  /** The reconnect storm: when the server was killed (on this process's clock), and who re-joined since. */
  storm: { killedAt: number; rejoin: Histogram; rejoined: Set<BenchClient>; troubles: Record<string, number> } | null;
}
let step: Step | null = null;
/**
 * Where this step's askers start. Later steps reuse the same residents, and whoever asked in
 * the last 15 s may not ask again, so each step starts past the previous step's askers.
 */
let offset = 0;

const send = (message: GeneratorReply | GeneratorProgress | { kind: 'mark'; name: 'start' | 'end' }) => process.send?.(message);
const progress = (phase: string, done: number, total: number) => send({ kind: 'progress', phase, done, total });

/** A tracker for one window of the plan, sized for what it can send. */
function newTracker(plan: StepPlan, clients: number): Tracker {
  const hot = hotQuestionCount(clients, plan.seconds, plan.votesPerSecond);
  const crowd = clients - plan.probes;
  const sampleEvery = Math.max(1, Math.round((crowd * plan.votesPerSecond) / VOTE_SAMPLES_PER_SECOND));
  return new Tracker(
    hot,
    Math.ceil((plan.votesPerSecond * plan.seconds) / hot) + 1,
    Math.ceil(plan.questionsPerSecond * plan.seconds) + 1,
    Math.ceil(plan.chatPerSecond * plan.seconds) + 1,
    sampleEvery,
  );
}

const screenFor = (tracker: Tracker, plan: StepPlan, i: number) => new Screen(tracker, i < plan.probes, i % tracker.voteSampleEvery);

async function connect(plan: StepPlan): Promise<Step> {
  const n = plan.cookies.length;
  const tracker = newTracker(plan, n);
  const s: Step = { plan, tracker, clients: [], live: [], joined: 0, failed: 0, storm: null };
  const onRejoin = (client: BenchClient) => {
    const storm = s.storm;
    if (!storm || storm.rejoined.has(client)) return;
    storm.rejoined.add(client);
    storm.rejoin.add(performance.now() - storm.killedAt);
  };
  const onTrouble = (what: string) => {
    const troubles = s.storm?.troubles;
    if (troubles) troubles[what] = (troubles[what] ?? 0) + 1;
  };
  for (let i = 0; i < n; i++) {
    const url = plan.urls[i % plan.urls.length]!;
    const Kind = i < plan.probes ? ProbeClient : CrowdClient;
    s.clients.push(new Kind(url, plan.cookies[i]!, plan.townHallId, screenFor(tracker, plan, i), { reconnect: plan.reconnect, onRejoin, onTrouble }));
  }

  // Gradually, as a real audience arrives, rather than all at once.
  const started = performance.now();
  const joins: Promise<void>[] = [];
  const ok = new Uint8Array(n);
  let next = 0;
  while (next < n) {
    const due = Math.min(n, Math.floor(((performance.now() - started) / 1000) * plan.connectPerSecond) + 1);
    for (; next < due; next++) {
      const i = next;
      joins.push(
        s.clients[i]!.start().then((joined) => {
          ok[i] = joined ? 1 : 0;
          if (joined) s.joined++;
          else s.failed++;
        }),
      );
    }
    progress('connecting', s.joined, n);
    await delay(20);
  }
  const ticker = setInterval(() => progress('joining', s.joined, n), 250);
  await Promise.all(joins);
  clearInterval(ticker);
  s.live = s.clients.filter((_, i) => ok[i]);
  await seed(s);
  return s;
}

/** The questions everyone votes on in this window, asked by clients past the last askers. */
async function seed(s: Step): Promise<void> {
  const { tracker, plan } = s;
  const hot = tracker.hotQuestions;
  if (s.live.length <= hot) throw new Error(`only ${s.live.length} of ${plan.cookies.length} clients joined`);
  await Promise.all(
    Array.from({ length: hot }, (_, i) =>
      ask(s.live[(offset + i) % s.live.length]!, { townHallId: plan.townHallId, text: `H#${i} ${QUESTION_TEXT}` }).then((id) => {
        if (id) {
          tracker.addHot(id, i);
        }
      }),
    ),
  );
  if (tracker.hotIndex.size < hot) throw new Error(`only ${tracker.hotIndex.size} of ${hot} questions to vote on were accepted`);
}

/** The soak's next window: the same crowd, fresh screens and fresh questions to vote on. */
async function rearm(s: Step): Promise<void> {
  const tracker = newTracker(s.plan, s.clients.length);
  s.tracker = tracker;
  s.clients.forEach((c, i) => (c.screen = screenFor(tracker, s.plan, i)));
  await seed(s);
}

function ask(client: BenchClient, payload: object): Promise<string | null> {
  return new Promise((resolve) => {
    client.command('qa:ask', payload, (reply) => {
      const result = reply.result();
      resolve(result.ok ? (result.data as { id: string }).id : null);
    });
  });
}

/**
 * Whether the word filter held what was sent: only its author sees it, so no other screen owes
 * it. (Sequence numbers and times in the texts can read as obfuscated words: "455" is "ass".)
 */
function heldForReview(reply: AckReply): boolean {
  const status = (reply.result().data as { status?: string } | undefined)?.status;
  if (status === undefined || status === 'published') return false;
  step!.tracker.held++;
  return true;
}

/** Sends one planned command, stamped with the time it was due (not the time it went out). */
function fire(s: Step, p: Planned, dueAt: number): void {
  const t = s.tracker;
  const client = s.live[p.client]!;
  // Reconnecting after a server restart: a person cannot send from a screen that is offline.
  if (!client.joined) {
    t.offline++;
    return;
  }
  const settled = (reply: AckReply, kind: keyof Tracker['unknown'], ok: () => void, unknown?: () => void) => {
    t.answered++;
    if (reply.ok) return ok();
    const code = reply.result().error?.code ?? 'UNKNOWN';
    if (code !== DISCONNECTED) return t.refusedWith(code);
    t.unknown[kind]++;
    unknown?.();
  };
  if (p.kind === 'vote') {
    const k = ++t.votesSent[p.question]!;
    t.voteSentAt[p.question]![k] = dueAt;
    t.sentCount.votes++;
    client.command('qa:vote', { questionId: t.hotIds[p.question], voted: true }, (reply) =>
      settled(reply, 'votes', () => t.votesAcked[p.question]!++, () => t.votesUnknown[p.question]!++),
    );
  } else if (p.kind === 'question') {
    t.questionSentAt[p.seq] = dueAt;
    t.sentCount.questions++;
    const text = `${markOf('Q', p.seq, performance.timeOrigin + dueAt)} ${QUESTION_TEXT}`;
    client.command('qa:ask', { townHallId: s.plan.townHallId, text }, (reply) =>
      settled(reply, 'questions', () => {
        if (heldForReview(reply)) return;
        t.questionAcked[p.seq] = 1;
        t.questionsAckedCount++;
      }),
    );
  } else {
    t.chatSentAt[p.seq] = dueAt;
    t.sentCount.chats++;
    const text = `${markOf('C', p.seq, performance.timeOrigin + dueAt)} ${CHAT_TEXT}`;
    client.command('chat:send', { townHallId: s.plan.townHallId, text }, (reply) =>
      settled(reply, 'chats', () => {
        if (heldForReview(reply)) return;
        t.chatAcked[p.seq] = 1;
        t.chatAckedAt[p.seq] = performance.now();
        t.chatsAckedCount++;
      }),
    );
  }
}

async function run(s: Step): Promise<StepResult> {
  const { plan, tracker: t } = s;
  const live = s.live;
  const schedule = buildSchedule({
    clients: live.length,
    seconds: plan.seconds,
    votesPerSecond: plan.votesPerSecond,
    questionsPerSecond: plan.questionsPerSecond,
    chatPerSecond: plan.chatPerSecond,
    hotQuestions: t.hotQuestions,
    offset,
  });
  offset += t.hotQuestions + schedule.filter((p) => p.kind === 'question').length;
  const lag = monitorEventLoopDelay({ resolution: LAG_RESOLUTION_MS });
  lag.enable();
  const stalls = watchStalls();
  const cpuBefore = process.cpuUsage();
  const waitBefore = waitedForCpuMs();
  send({ kind: 'mark', name: 'start' });
  t.counting = true;
  const start = performance.now();
  t.startedAt = start;
  let next = 0;
  let lastProgress = 0;
  while (next < schedule.length) {
    const elapsed = performance.now() - start;
    for (; next < schedule.length && schedule[next]!.at <= elapsed; next++) fire(s, schedule[next]!, start + schedule[next]!.at);
    if (elapsed - lastProgress >= 250) {
      lastProgress = elapsed;
      progress('running', Math.floor(elapsed / 1000), plan.seconds);
    }
    await delay(2);
  }
  await delay(Math.max(0, start + plan.seconds * 1000 - performance.now()));
  const windowMs = performance.now() - start;
  t.counting = false;
  const cpu = process.cpuUsage(cpuBefore);
  const waited = waitedForCpuMs() - waitBefore;
  lag.disable();
  stalls.stop();
  send({ kind: 'mark', name: 'end' });

  const storm = s.storm ? await afterStorm(s) : undefined;
  const sent = t.sentCount.votes + t.sentCount.questions + t.sentCount.chats;
  const drainUntil = performance.now() + DRAIN_TIMEOUT_MS;
  while (performance.now() < drainUntil) {
    const behind = t.answered < sent ? live.length : live.reduce((n, c) => n + (c.screen.upToDate() ? 0 : 1), 0);
    progress('draining', live.length - behind, live.length);
    if (behind === 0) break;
    await delay(100);
  }

  // A command still unanswered after the drain counts as refused: the client would have given up.
  if (t.answered < sent) t.refused.NO_ACK = sent - t.answered;
  const { sampledChats, ...lost } = losses(t, live.map((c) => c.screen));
  const sum = (a: Int32Array) => a.reduce((n, v) => n + v, 0);
  return {
    clients: live.length,
    connectErrors: s.failed,
    vote: t.vote.summary(true),
    voteProbes: t.voteProbes.summary(),
    question: t.question.summary(),
    chat: t.chat.summary(),
    sent: t.sentCount,
    acked: { votes: sum(t.votesAcked), questions: t.questionsAckedCount, chats: t.chatsAckedCount },
    refused: t.refused,
    lost,
    sampledChats,
    resyncs: t.resyncs,
    held: t.held,
    unknown: t.unknown,
    offline: t.offline,
    messagesPerSecond: (t.messages * 1000) / windowMs,
    bytesPerSecond: (t.bytes * 1000) / windowMs,
    voteDeliveriesPerSecond: (t.voteDeliveries * 1000) / windowMs,
    generator: {
      cpuPercent: ((cpu.user + cpu.system) / 1000 / windowMs) * 100,
      systemPercent: (cpu.system / 1000 / windowMs) * 100,
      waitedPercent: (waited / windowMs) * 100,
      // The histogram records each interval of its timer, resolution included: an idle loop reads 10 ms.
      lagP99Ms: Math.max(0, lag.percentile(99) / 1e6 - LAG_RESOLUTION_MS),
      stalls: stalls.take(),
    },
    windowMs,
    startedAt: performance.timeOrigin + start,
    lateBySecond: Array.from(t.lateBySecond, (n) => n ?? 0),
    ...(storm ? { storm } : {}),
  };
}

/**
 * After the server's restart: waits until every client has re-joined and every command is
 * answered, then reads the counts the server ended with through a fresh join. Votes in flight at the kill may or may not have
 * been stored, so the screens must end with these counts, which must lie between the
 * acknowledged votes and those plus the unknown ones.
 */
async function afterStorm(s: Step): Promise<StormResult> {
  const storm = s.storm!;
  const t = s.tracker;
  const until = performance.now() + REJOIN_TIMEOUT_MS;
  while (storm.rejoined.size < s.live.length && performance.now() < until) {
    progress('re-joining', storm.rejoined.size, s.live.length);
    await delay(100);
  }
  // The counts are read once nothing is in flight: a vote answered after the read would not be in it.
  const sent = t.sentCount.votes + t.sentCount.questions + t.sentCount.chats;
  const quiet = performance.now() + DRAIN_TIMEOUT_MS;
  while (t.answered < sent && performance.now() < quiet) {
    progress('answering', t.answered, sent);
    await delay(50);
  }
  const reader = s.live.find((c) => c.joined);
  const snapshot = reader
    ? await new Promise<JoinSnapshot | null>((resolve) =>
        reader.command('townhall:join', { townHallId: s.plan.townHallId }, (reply) =>
          resolve(reply.ok ? (reply.result().data as JoinSnapshot) : null),
        ),
      )
    : null;
  let withinBounds = snapshot !== null;
  let beyond = 0;
  if (snapshot) {
    const truth = new Int32Array(t.hotQuestions);
    for (const q of snapshot.qa?.questions ?? []) {
      const index = t.hotIndex.get(q.id);
      if (index !== undefined) truth[index] = q.votes;
    }
    for (let q = 0; q < t.hotQuestions; q++) {
      const acked = t.votesAcked[q]!;
      if (truth[q]! < acked || truth[q]! > acked + t.votesUnknown[q]!) withinBounds = false;
      beyond += Math.max(0, truth[q]! - acked);
    }
    t.voteTruth = truth;

  }
  return {
    dropped: s.live.length,
    rejoined: storm.rejoined.size,
    rejoin: storm.rejoin.summary(),
    troubles: storm.troubles,
    truthWithinBounds: withinBounds,
    unacknowledgedButCounted: beyond,
  };
}

/**
 * How long this process's main thread has waited, runnable, for a CPU (Linux schedstat; 0
 * elsewhere): on a shared machine, what other work took from the generator.
 */
function waitedForCpuMs(): number {
  try {
    return Number(readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[1]) / 1e6;
  } catch {
    return 0;
  }
}

async function disconnect(): Promise<void> {
  if (!step) return;
  const clients = step.clients;
  step = null;
  await Promise.race([Promise.all(clients.map((c) => c.close())), delay(10_000)]);
}

async function answer(req: GeneratorRequest): Promise<GeneratorReply> {
  switch (req.kind) {
    case 'connect': {
      await disconnect();
      step = await connect(req.plan);
      return { id: req.id, kind: 'connected', joined: step.joined, failed: step.failed };
    }
    case 'rearm':
      if (!step) throw new Error('connect first');
      await rearm(step);
      return { id: req.id, kind: 'rearmed' };
    case 'run':
      if (!step) throw new Error('connect first');
      return { id: req.id, kind: 'ran', result: await run(step) };
    case 'killed':
      if (!step) throw new Error('connect first');
      step.storm = { killedAt: req.at - performance.timeOrigin, rejoin: new Histogram(REJOIN_BUCKET_MS), rejoined: new Set(), troubles: {} };
      return { id: req.id, kind: 'noted' };
    case 'disconnect':
      await disconnect();
      return { id: req.id, kind: 'disconnected' };
  }
}

process.on('message', (req: GeneratorRequest) => {
  answer(req).then(send, (err: unknown) => send({ id: req.id, kind: 'error', message: err instanceof Error ? err.message : String(err) }));
});
process.on('disconnect', () => process.exit(0));
send({ kind: 'progress', phase: 'ready', done: 0, total: 0 });
