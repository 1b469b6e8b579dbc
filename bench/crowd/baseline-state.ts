// What the two baseline servers share: a town hall kept in memory with no validation, no store
// and no moderation, answering the same commands with payloads of the same shape and size as
// Roundtable's (shared/qa.ts QuestionView, shared/chat.ts ChatMessageView), and the IPC that
// the coordinator speaks to every system under test.
import { randomBytes } from 'node:crypto';
import { CHAT_LIMITS, type ChatMessageView } from '../../shared/chat.js';
import type { QuestionView } from '../../shared/qa.js';
import { residentBreakdown } from './kernel.js';
import type { FrameStats, ServerReply, ServerRequest } from './protocol.js';

const newId = (): string => randomBytes(12).toString('base64url');

interface Question {
  view: QuestionView;
  voters: Set<unknown>;
}

export interface Outcome {
  /** The acknowledgement's data. */
  data: unknown;
  /** An event for everyone in the town hall, if the command makes one. */
  broadcast?: [event: string, payload: unknown];
  /** A question whose count changed (for servers that coalesce). */
  voted?: { townHallId: string; questionId: string; votes: number };
}

/** The in-memory "server": one call per command, answering like Roundtable would. */
export function createBaselineState() {
  const questions = new Map<string, Question>();
  /** Per town hall, the recent messages a late joiner gets, as Roundtable keeps them. */
  const chat = new Map<string, ChatMessageView[]>();
  return {
    join(townHallId: string) {
      const visible = [...questions.values()].filter((q) => q.view.townHallId === townHallId).map((q) => q.view);
      // Shaped like Roundtable's join snapshot (its town hall left out: the crowd never reads it).
      return {
        qa: { townHallId, moderation: 'post', slowModeSeconds: 0, questions: visible, myVotes: [] },
        polls: [],
        chat: { townHallId, slowModeSeconds: 0, messages: chat.get(townHallId) ?? [] },
        captions: { townHallId, lines: [] },
        hallCode: null,
      };
    },
    /** `person` is whatever identifies the voter (one vote per person per question). */
    command(event: string, payload: Record<string, unknown>, person: unknown): Outcome | null {
      if (event === 'qa:ask') {
        const view: QuestionView = {
          id: newId(),
          townHallId: String(payload.townHallId),
          text: String(payload.text),
          createdAt: Date.now(),
          votes: 0,
          status: 'published',
          anonymous: false,
          authorName: 'Resident 1234',
          authorRole: null,
          answerState: 'open',
          answer: null,
        };
        questions.set(view.id, { view, voters: new Set() });
        return { data: view, broadcast: ['qa:question-changed', { question: view }] };
      }
      if (event === 'qa:vote') {
        const q = questions.get(String(payload.questionId));
        if (!q) return null;
        if (!q.voters.has(person)) {
          q.voters.add(person);
          q.view.votes++;
        }
        const votes = q.view.votes;
        return {
          data: { questionId: q.view.id, voted: true, votes },
          broadcast: ['qa:votes-tallied', { townHallId: q.view.townHallId, votes: { [q.view.id]: votes } }],
          voted: { townHallId: q.view.townHallId, questionId: q.view.id, votes },
        };
      }
      if (event === 'chat:send') {
        const message: ChatMessageView = {
          id: newId(),
          townHallId: String(payload.townHallId),
          text: String(payload.text),
          createdAt: Date.now(),
          authorName: 'Resident 1234',
          authorRole: null,
          status: 'published',
        };
        let recent = chat.get(message.townHallId);
        if (!recent) chat.set(message.townHallId, (recent = []));
        recent.push(message);
        if (recent.length > CHAT_LIMITS.recent) recent.shift();
        return { data: message, broadcast: ['chat:message-posted', { message }] };
      }
      return null;
    },
  };
}

/** Answers the coordinator's requests for a baseline server; `close` stops it. */
export function serveCoordinator(port: number, close: () => Promise<void>, frames?: () => FrameStats): void {
  process.on('message', (req: ServerRequest) => {
    const reply = (r: ServerReply, after?: () => void) => process.send?.(r, undefined, {}, after);
    switch (req.kind) {
      case 'sessions':
        // No authentication here: the cookie is only carried, as the clients carry Roundtable's.
        return reply({ id: req.id, kind: 'sessions', cookies: Array.from({ length: req.count }, () => 'rt_session=baseline') });
      case 'townhall':
        return reply({ id: req.id, kind: 'townhall', townHallId: newId() });
      case 'sample': {
        const collect = (globalThis as { gc?: () => void }).gc;
        if (req.gc && collect) {
          collect();
          collect();
        }
        const cpu = process.cpuUsage();
        const memory = process.memoryUsage();
        const at = performance.timeOrigin + performance.now();
        const sample = { at, cpuMicros: cpu.user + cpu.system, heapUsed: memory.heapUsed, rss: memory.rss, external: memory.external, ...residentBreakdown(), ...(frames ? { frames: frames() } : {}) };
        return reply({ id: req.id, kind: 'sample', sample });
      }
      case 'close':
        void close().then(() => reply({ id: req.id, kind: 'close' }, () => process.exit(0)));
    }
  });
  process.on('disconnect', () => process.exit(0));
  process.send?.({ kind: 'ready', port });
}
