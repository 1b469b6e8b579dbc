// The open-loop schedule: every command's send time and sender fixed before the step starts,
// so a slow server cannot slow the load down (no coordinated omission).

export type Planned =
  | { at: number; kind: 'vote'; client: number; question: number }
  | { at: number; kind: 'question'; client: number; seq: number }
  | { at: number; kind: 'chat'; client: number; seq: number };

export interface ScheduleShape {
  clients: number;
  seconds: number;
  votesPerSecond: number;
  questionsPerSecond: number;
  chatPerSecond: number;
  hotQuestions: number;
  /** Where the rotations start: past the people who asked in the previous step (15 s limit). */
  offset: number;
}

/**
 * How many questions take the votes: enough that nobody needs to vote twice on one (one vote
 * per person per question), at least ten so tallies carry several counts.
 */
export function hotQuestionCount(clients: number, seconds: number, votesPerSecond: number): number {
  return Math.max(10, Math.ceil((votesPerSecond * seconds) / Math.max(1, Math.floor(clients * 0.8))));
}

/**
 * Votes go round the hot questions; the j-th vote on question q comes from client
 * (offset(q) + j), so each is by a different person. Askers rotate starting after the clients
 * that asked the hot questions (one question per person per 15 s); chat senders rotate with a
 * stride (five messages per person per 10 s).
 */
export function buildSchedule(s: ScheduleShape): Planned[] {
  const plan: Planned[] = [];
  const ms = s.seconds * 1000;
  const votes = Math.floor(s.votesPerSecond * s.seconds);
  for (let i = 0; i < votes; i++) {
    const question = i % s.hotQuestions;
    const j = Math.floor(i / s.hotQuestions);
    const offset = Math.floor((question * s.clients) / s.hotQuestions);
    plan.push({ at: (i * 1000) / s.votesPerSecond, kind: 'vote', client: (s.offset + offset + j) % s.clients, question });
  }
  for (let seq = 0; seq * (1000 / s.questionsPerSecond) < ms && s.questionsPerSecond > 0; seq++) {
    plan.push({ at: (seq * 1000) / s.questionsPerSecond, kind: 'question', client: (s.offset + s.hotQuestions + seq) % s.clients, seq });
  }
  for (let seq = 0; seq * (1000 / s.chatPerSecond) < ms && s.chatPerSecond > 0; seq++) {
    plan.push({ at: (seq * 1000) / s.chatPerSecond, kind: 'chat', client: (s.offset + seq * 7 + 3) % s.clients, seq });
  }
  return plan.sort((a, b) => a.at - b.at);
}

export const QUESTION_TEXT = 'How will the department keep the park lit and patrolled at night this winter?';
export const CHAT_TEXT = 'Thanks for hosting this, glad to see so many neighbours here tonight.';
