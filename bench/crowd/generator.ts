// The load generator, in its own process on its own core: connects the probes and the crowd,
// seeds the questions people vote on, plays the open-loop schedule, waits for every screen to
// catch up, and reports what each screen saw. It also watches itself: a step it could not keep
// up with is reported as saturated by the coordinator.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import { CrowdClient, type BenchClient } from './crowd-client.js';
import { markOf, Screen, Tracker } from './measure.js';
import { ProbeClient } from './probe-client.js';
import type { GeneratorProgress, GeneratorReply, GeneratorRequest, StepPlan, StepResult } from './protocol.js';
import { buildSchedule, CHAT_TEXT, hotQuestionCount, QUESTION_TEXT, type Planned } from './schedule.js';

/** Deliveries the screens may still be owed after the schedule ends, before they count as lost. */
const DRAIN_TIMEOUT_MS = 10_000;
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
}
let step: Step | null = null;
/**
 * Where this step's askers start. Later steps reuse the same residents, and whoever asked in
 * the last 15 s may not ask again, so each step starts past the previous step's askers.
 */
let offset = 0;

const send = (message: GeneratorReply | GeneratorProgress | { kind: 'mark'; name: 'start' | 'end' }) => process.send?.(message);
const progress = (phase: string, done: number, total: number) => send({ kind: 'progress', phase, done, total });

async function connect(plan: StepPlan): Promise<Step> {
  const n = plan.cookies.length;
  const hot = hotQuestionCount(n, plan.seconds, plan.votesPerSecond);
  const crowd = n - plan.probes;
  const sampleEvery = Math.max(1, Math.round((crowd * plan.votesPerSecond) / VOTE_SAMPLES_PER_SECOND));
  const tracker = new Tracker(
    hot,
    Math.ceil((plan.votesPerSecond * plan.seconds) / hot) + 1,
    Math.ceil(plan.questionsPerSecond * plan.seconds) + 1,
    Math.ceil(plan.chatPerSecond * plan.seconds) + 1,
    sampleEvery,
  );
  const s: Step = { plan, tracker, clients: [], live: [], joined: 0, failed: 0 };
  for (let i = 0; i < n; i++) {
    const url = plan.urls[i % plan.urls.length]!;
    const probe = i < plan.probes;
    const screen = new Screen(tracker, probe, i % sampleEvery);
    const Kind = probe ? ProbeClient : CrowdClient;
    s.clients.push(new Kind(url, plan.cookies[i]!, plan.townHallId, tracker, screen));
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
  if (s.live.length <= hot) throw new Error(`only ${s.live.length} of ${n} clients joined`);

  // The questions everyone votes on, asked by the first clients.
  await Promise.all(
    Array.from({ length: hot }, (_, i) =>
      ask(s.live[(offset + i) % s.live.length]!, { townHallId: plan.townHallId, text: `H#${i} ${QUESTION_TEXT}` }).then((id) => {
        if (id) {
          tracker.hotIndex.set(id, i);
          tracker.hotIds[i] = id;
        }
      }),
    ),
  );
  if (tracker.hotIndex.size < hot) throw new Error(`only ${tracker.hotIndex.size} of ${hot} questions to vote on were accepted`);
  return s;
}

function ask(client: BenchClient, payload: object): Promise<string | null> {
  return new Promise((resolve) => {
    client.command('qa:ask', payload, (reply) => {
      const result = reply.result();
      resolve(result.ok ? (result.data as { id: string }).id : null);
    });
  });
}

/** Sends one planned command, stamped with the time it was due (not the time it went out). */
function fire(s: Step, p: Planned, dueAt: number): void {
  const t = s.tracker;
  const client = s.live[p.client]!;
  const refused = (code: string) => t.refusedWith(code);
  const answered = () => t.answered++;
  if (p.kind === 'vote') {
    const k = ++t.votesSent[p.question]!;
    t.voteSentAt[p.question]![k] = dueAt;
    t.sentCount.votes++;
    client.command('qa:vote', { questionId: t.hotIds[p.question], voted: true }, (reply) => {
      answered();
      if (reply.ok) t.votesAcked[p.question]!++;
      else refused(reply.result().error?.code ?? 'UNKNOWN');
    });
  } else if (p.kind === 'question') {
    t.questionSentAt[p.seq] = dueAt;
    t.sentCount.questions++;
    const text = `${markOf('Q', p.seq, performance.timeOrigin + dueAt)} ${QUESTION_TEXT}`;
    client.command('qa:ask', { townHallId: s.plan.townHallId, text }, (reply) => {
      answered();
      if (reply.ok) {
        t.questionAcked[p.seq] = 1;
        t.questionsAckedCount++;
      } else refused(reply.result().error?.code ?? 'UNKNOWN');
    });
  } else {
    t.chatSentAt[p.seq] = dueAt;
    t.sentCount.chats++;
    const text = `${markOf('C', p.seq, performance.timeOrigin + dueAt)} ${CHAT_TEXT}`;
    client.command('chat:send', { townHallId: s.plan.townHallId, text }, (reply) => {
      answered();
      if (reply.ok) {
        t.chatAcked[p.seq] = 1;
        t.chatsAckedCount++;
      } else refused(reply.result().error?.code ?? 'UNKNOWN');
    });
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
  const lag = monitorEventLoopDelay({ resolution: 10 });
  lag.enable();
  const cpuBefore = process.cpuUsage();
  send({ kind: 'mark', name: 'start' });
  t.counting = true;
  const start = performance.now();
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
  lag.disable();
  send({ kind: 'mark', name: 'end' });

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
  const lost = { questions: 0, chats: 0, voteScreens: 0 };
  for (const c of live) {
    const screen = c.screen;
    for (let q = 0; q < t.questionAcked.length; q++) if (t.questionAcked[q] && !screen.questionsSeen[q]) lost.questions++;
    for (let m = 0; m < t.chatAcked.length; m++) if (t.chatAcked[m] && !screen.chatsSeen[m]) lost.chats++;
    for (let q = 0; q < t.hotQuestions; q++) {
      if (screen.seen[q] !== t.votesAcked[q]) {
        lost.voteScreens++;
        break;
      }
    }
  }
  const sum = (a: Int32Array) => a.reduce((n, v) => n + v, 0);
  return {
    clients: live.length,
    connectErrors: s.failed,
    vote: t.vote.summary(),
    voteProbes: t.voteProbes.summary(),
    question: t.question.summary(),
    chat: t.chat.summary(),
    sent: t.sentCount,
    acked: { votes: sum(t.votesAcked), questions: t.questionsAckedCount, chats: t.chatsAckedCount },
    refused: t.refused,
    lost,
    messagesPerSecond: (t.messages * 1000) / windowMs,
    bytesPerSecond: (t.bytes * 1000) / windowMs,
    voteDeliveriesPerSecond: (t.voteDeliveries * 1000) / windowMs,
    generator: { cpuPercent: ((cpu.user + cpu.system) / 1000 / windowMs) * 100, lagP99Ms: lag.percentile(99) / 1e6 },
    windowMs,
  };
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
    case 'run':
      if (!step) throw new Error('connect first');
      return { id: req.id, kind: 'ran', result: await run(step) };
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
