import { SvelteSet } from 'svelte/reactivity';
import type { Result } from '../../../shared/errors.js';
import type { ModerationMode } from '../../../shared/moderation.js';
import type { ModeratorAction, ReasonCode } from '../../../shared/moderation.js';
import {
  compareForRanking,
  type AnswerState,
  type MergeResult,
  type QaSnapshot,
  type QuestionView,
  type SimilarQuestion,
  type VoteResult,
} from '../../../shared/qa.js';
import type { Topic } from '../../../shared/topics.js';
import type { QaServerEvents } from '../../../shared/qa.js';
import type { VoteSurge } from '../../../shared/townhall.js';
import { command, getSocket } from './socket.js';
import type { TownHallRoom } from './townhall-room.svelte.js';

/** Something a screen-reader user should hear about without looking: answers, not votes. */
export interface Announcement {
  seq: number;
  kind: 'answering' | 'answered' | 'approved';
  text: string;
}


const byAnsweredRecently = (a: QuestionView, b: QuestionView): number =>
  (b.answer?.at ?? b.createdAt) - (a.answer?.at ?? a.createdAt);

const byOldest = (a: QuestionView, b: QuestionView): number => a.createdAt - b.createdAt;

/**
 * The Q&A of one town hall as this person sees it. The server's snapshot (Q&A's part of the
 * town hall's join) is held immutably and replaced on every change; the views below are derived
 * from it.
 */
export class QaRoomState {
  readonly townHallId: string;

  snapshot = $state.raw<QaSnapshot | null>(null);
  announcement = $state.raw<Announcement | null>(null);
  /** Staff: votes from freshly made identities on one network, per question, as the server reported them. */
  surges = $state.raw<Record<string, number>>({});
  /** Questions whose vote is on its way to the server. */
  readonly votesInFlight = new SvelteSet<string>();
  /** Questions this person flagged in this visit (the server counts one flag per person anyway). */
  readonly flagged = new SvelteSet<string>();

  readonly questions = $derived(this.snapshot?.questions ?? []);
  readonly myVotes: ReadonlySet<string> = $derived(new Set(this.snapshot?.myVotes ?? []));
  readonly moderation: ModerationMode = $derived(this.snapshot?.moderation ?? 'post');
  readonly slowModeSeconds: number = $derived(this.snapshot?.slowModeSeconds ?? 0);
  /** The department's topics, retired ones too (questions may carry them). */
  readonly topics: Topic[] = $derived(this.snapshot?.topics ?? []);
  readonly ranked = $derived(
    this.questions.filter((q) => q.status === 'published' && q.answerState !== 'answered').sort(compareForRanking),
  );
  readonly answeringNow = $derived(this.ranked.filter((q) => q.answerState === 'answering'));
  readonly open = $derived(this.ranked.filter((q) => q.answerState === 'open'));
  readonly answered = $derived(
    this.questions.filter((q) => q.status === 'published' && q.answerState === 'answered').sort(byAnsweredRecently),
  );
  /** Everything waiting for review (held, or hidden pending review) that this person may see (all of it, for staff). */
  readonly held = $derived(this.questions.filter((q) => q.status === 'held' || q.status === 'hidden').sort(byOldest));
  readonly myHeld = $derived(this.held.filter((q) => q.mine));
  /** Merged questions this person may see: all for reviewing staff, their own for an asker. */
  merged = $state.raw<QuestionView[]>([]);
  readonly myMerged = $derived(this.merged.filter((q) => q.mine));

  #seq = 0;

  constructor(townHallId: string) {
    this.townHallId = townHallId;
  }

  /** Follows the Q&A of the room for as long as the caller needs it; returns the function that stops. */
  start(room: TownHallRoom): () => void {
    const socket = getSocket();
    const handlers: { [K in keyof QaServerEvents]: QaServerEvents[K] } = {
      'qa:question-changed': ({ question }) => {
        if (question.townHallId === this.townHallId) room.whenJoined(() => this.#upsert(question, true));
      },
      'qa:question-merged': ({ question }) => {
        if (question.townHallId === this.townHallId) room.whenJoined(() => this.#merged(question));
      },
      'qa:questions-merged': ({ townHallId, targetId, questionIds }) => {
        if (townHallId === this.townHallId) room.whenJoined(() => this.#supportMoves(targetId, questionIds));
      },
      'qa:question-removed': ({ townHallId, questionId }) => {
        if (townHallId === this.townHallId) room.whenJoined(() => this.#remove(questionId));
      },
      'qa:votes-tallied': ({ townHallId, votes }) => {
        if (townHallId === this.townHallId) room.whenJoined(() => this.#mergeVotes(votes));
      },
      'qa:my-vote-changed': (result) => room.whenJoined(() => this.#applyVote(result)),
      'qa:moderation-changed': ({ townHallId, moderation }) => {
        if (townHallId !== this.townHallId) return;
        room.whenJoined(() => {
          if (this.snapshot) this.snapshot = { ...this.snapshot, moderation };
        });
      },
    };
    const onSlowMode = ({ townHallId, seconds }: { townHallId: string; seconds: number }) => {
      if (townHallId !== this.townHallId) return;
      room.whenJoined(() => {
        if (this.snapshot) this.snapshot = { ...this.snapshot, slowModeSeconds: seconds };
      });
    };
    const onSurge = ({ townHallId, target, votes }: VoteSurge) => {
      if (townHallId === this.townHallId && target.kind === 'question') this.surges = { ...this.surges, [target.id]: votes };
    };
    socket.on('mod:slow-mode-changed', onSlowMode);
    socket.on('townhall:votes-surged', onSurge);
    for (const [event, handler] of Object.entries(handlers)) socket.on(event as keyof QaServerEvents, handler);
    const detach = room.attach({
      joined: (snapshot) => {
        this.snapshot = snapshot.qa;
        this.merged = snapshot.qaMerged ?? [];
      },
    });

    return () => {
      detach();
      socket.off('mod:slow-mode-changed', onSlowMode);
      socket.off('townhall:votes-surged', onSurge);
      for (const [event, handler] of Object.entries(handlers)) socket.off(event as keyof QaServerEvents, handler);
    };
  }

  isMyVote(questionId: string): boolean {
    return this.myVotes.has(questionId);
  }

  async ask(text: string, anonymous: boolean, topicId?: string): Promise<Result<QuestionView>> {
    const result = await command('qa:ask', { townHallId: this.townHallId, text, anonymous, ...(topicId ? { topicId } : {}) });
    if (result.ok) this.#upsert(result.data, false);
    return result;
  }

  /** Votes at once on screen, then settles on the server's count (or undoes on failure). */
  async vote(questionId: string, voted: boolean): Promise<Result<VoteResult>> {
    const before = this.questions.find((q) => q.id === questionId);
    if (!before) return { ok: false, error: { code: 'NOT_FOUND', message: 'No such question.' } };
    if (this.votesInFlight.has(questionId)) {
      return { ok: false, error: { code: 'CONFLICT', message: 'A vote is already on its way.' } };
    }
    const delta = voted ? 1 : -1;
    this.votesInFlight.add(questionId);
    this.#applyVote({ questionId, voted, votes: before.votes + delta });
    const result = await command('qa:vote', { questionId, voted });
    this.votesInFlight.delete(questionId);
    if (result.ok) {
      this.#applyVote(result.data);
    } else {
      const now = this.questions.find((q) => q.id === questionId);
      this.#applyVote({ questionId, voted: !voted, votes: Math.max(0, (now?.votes ?? before.votes) - delta) });
    }
    return result;
  }

  /**
   * Published questions of this town hall that may ask what `text` asks (the server compares).
   * Each comes as this page already shows it when it can: the live copy has the latest votes.
   */
  async similar(text: string, locale: 'en' | 'es'): Promise<Result<SimilarQuestion[]>> {
    const result = await command('qa:similar', { townHallId: this.townHallId, text, locale });
    if (!result.ok) return result;
    const live = new Map(this.questions.map((q) => [q.id, q]));
    return { ok: true, data: result.data.map((s) => ({ ...s, question: live.get(s.question.id) ?? s.question })) };
  }

  /** Hosts and moderators file a question under a topic (null: none). */
  async setTopic(questionId: string, topicId: string | null): Promise<Result<QuestionView>> {
    const result = await command('qa:set-topic', { questionId, topicId });
    if (result.ok) this.#upsert(result.data, false);
    return result;
  }

  async setAnswerState(questionId: string, state: AnswerState): Promise<Result<QuestionView>> {
    const result = await command('qa:set-answer-state', { questionId, state });
    if (result.ok) this.#upsert(result.data, false);
    return result;
  }

  async answer(questionId: string, text: string): Promise<Result<QuestionView>> {
    const result = await command('qa:answer', { questionId, text });
    if (result.ok) this.#upsert(result.data, false);
    return result;
  }

  /** A moderator's decision on a question, through the shared moderation pipeline. */
  async moderate(request: {
    questionId: string;
    action: ModeratorAction;
    reason?: ReasonCode;
  }): Promise<Result<{ status: string }>> {
    const { questionId, ...decision } = request;
    const result = await command('mod:decide', { ref: { kind: 'question', id: questionId }, ...decision });
    if (result.ok && result.data.status !== 'published' && result.data.status !== 'held' && result.data.status !== 'hidden') {
      this.#remove(questionId);
    }
    return result;
  }

  /** Staff: folds duplicates into `targetId`; the facts that follow update every screen, this one included. */
  async merge(targetId: string, sourceIds: string[]): Promise<Result<MergeResult>> {
    const result = await command('qa:merge', { targetId, sourceIds });
    if (result.ok) {
      this.#supportMoves(targetId, sourceIds);
      this.#upsert(result.data.question, false);
    }
    return result;
  }

  /** Staff: takes a merged question back out, with its own voters. */
  async unmerge(questionId: string): Promise<Result<MergeResult>> {
    const result = await command('qa:unmerge', { questionId });
    if (result.ok) this.#upsert(result.data.question, false);
    return result;
  }

  /** Reports someone else's question to the moderators. */
  async flag(questionId: string, reason: ReasonCode): Promise<Result<{ flagged: true }>> {
    const result = await command('mod:flag', { ref: { kind: 'question', id: questionId }, reason });
    if (result.ok) this.flagged.add(questionId);
    return result;
  }

  async setSlowMode(seconds: number): Promise<Result<{ seconds: number }>> {
    const result = await command('mod:set-slow-mode', { townHallId: this.townHallId, seconds });
    if (result.ok && this.snapshot) this.snapshot = { ...this.snapshot, slowModeSeconds: result.data.seconds };
    return result;
  }

  async setModeration(moderation: ModerationMode): Promise<Result<null>> {
    const result = await command('qa:set-moderation', { townHallId: this.townHallId, moderation });
    if (result.ok && this.snapshot) this.snapshot = { ...this.snapshot, moderation };
    return result;
  }

  #upsert(question: QuestionView, announce: boolean): void {
    const snapshot = this.snapshot;
    if (!snapshot) return;
    // A merged question that changes again was taken back out of its merge.
    if (this.merged.some((q) => q.id === question.id)) this.merged = this.merged.filter((q) => q.id !== question.id);
    const index = snapshot.questions.findIndex((q) => q.id === question.id);
    const previous = index === -1 ? undefined : snapshot.questions[index];
    const questions =
      index === -1 ? [...snapshot.questions, question] : snapshot.questions.map((q, i) => (i === index ? question : q));
    this.snapshot = { ...snapshot, questions };
    if (announce) this.#announceChange(previous, question);
  }

  #remove(questionId: string): void {
    const snapshot = this.snapshot;
    if (!snapshot || !snapshot.questions.some((q) => q.id === questionId)) return;
    this.snapshot = {
      ...snapshot,
      questions: snapshot.questions.filter((q) => q.id !== questionId),
      myVotes: snapshot.myVotes.filter((id) => id !== questionId),
    };
  }

  #merged(question: QuestionView): void {
    this.merged = [...this.merged.filter((q) => q.id !== question.id), question];
    // Off the list, but its vote is kept until `qa:questions-merged` moves it to the survivor.
    const snapshot = this.snapshot;
    if (snapshot) this.snapshot = { ...snapshot, questions: snapshot.questions.filter((q) => q.id !== question.id) };
  }

  /** Whoever voted for a question merged into another now supports that one. */
  #supportMoves(targetId: string, questionIds: string[]): void {
    const snapshot = this.snapshot;
    if (!snapshot) return;
    const supported = snapshot.myVotes.some((id) => questionIds.includes(id));
    const myVotes = snapshot.myVotes.filter((id) => !questionIds.includes(id));
    if (supported && !myVotes.includes(targetId)) myVotes.push(targetId);
    this.snapshot = { ...snapshot, myVotes, questions: snapshot.questions.filter((q) => !questionIds.includes(q.id)) };
  }

  #mergeVotes(votes: Record<string, number>): void {
    const snapshot = this.snapshot;
    if (!snapshot) return;
    let changed = false;
    const questions = snapshot.questions.map((q) => {
      const count = votes[q.id];
      if (count === undefined || count === q.votes || this.votesInFlight.has(q.id)) return q;
      changed = true;
      return { ...q, votes: count };
    });
    if (changed) this.snapshot = { ...snapshot, questions };
  }

  #applyVote({ questionId, voted, votes }: VoteResult): void {
    const snapshot = this.snapshot;
    if (!snapshot) return;
    const others = snapshot.myVotes.filter((id) => id !== questionId);
    this.snapshot = {
      ...snapshot,
      questions: snapshot.questions.map((q) => (q.id === questionId ? { ...q, votes } : q)),
      myVotes: voted ? [...others, questionId] : others,
    };
  }

  #announceChange(previous: QuestionView | undefined, next: QuestionView): void {
    if (next.status !== 'published') return;
    if (next.answer && next.answer.at !== previous?.answer?.at) {
      this.#announce('answered', next.text);
    } else if (next.answerState === 'answering' && previous?.answerState !== 'answering') {
      this.#announce('answering', next.text);
    } else if (next.mine && (previous?.status === 'held' || previous?.status === 'hidden')) {
      this.#announce('approved', next.text);
    }
  }

  #announce(kind: Announcement['kind'], text: string): void {
    this.announcement = { seq: ++this.#seq, kind, text };
  }
}
