import { CommandError, ErrorCode } from '../../shared/errors.js';
import {
  QaAnswer,
  QaAsk,
  QaSetAnswerState,
  QaSetModeration,
  QaVote,
  type QaSnapshot,
  type QuestionView,
} from '../../shared/qa.js';
import { badgeOf, canAnswer, canHost, canReview } from '../../shared/roles.js';
import { commandBinder, type CommandDeps } from '../core/command.js';
import type { Coordination } from '../core/coordination.js';
import type { RateRule } from '../core/rate-limit.js';
import { rooms, type SessionUser } from '../core/types.js';
import type { IdentityService } from '../identity/service.js';
import type { Pseudonyms } from '../identity/pseudonyms.js';
import type { ModerationPipeline } from '../moderation/pipeline-types.js';
import { townHallPlace } from '../../shared/moderation.js';
import { createQuestionAdapter } from './adapter.js';
import { requireHost, requireJoined } from '../townhall/access.js';
import type { TownHallRoom } from '../townhall/room.js';
import type { TownHallService } from '../townhall/service.js';
import type { VoteGuard } from '../townhall/vote-guard.js';
import { createQaBroadcast } from './broadcast.js';
import { viewOf } from './rules.js';
import type { QuestionRecord, QuestionStore } from './store.js';
import { createVoteTally } from './tally.js';
import { bindSimilar, createSimilarQuestions } from './similar.js';
import { bindTopicCommands, type QaTopics } from './topics.js';
import { registerMerges } from './merge.js';
import { mergedVoteError } from './merge-rules.js';

export const RATES = {
  ask: { name: 'qa:ask', points: 1, seconds: 15 },
  vote: { name: 'qa:vote', points: 10, seconds: 1 },
  staff: { name: 'qa:act-as-staff', points: 30, seconds: 1 },
} satisfies Record<string, RateRule>;

export interface QaDeps extends CommandDeps {
  /** Where Q&A adds its part to a join and sends its facts. */
  room: TownHallRoom;
  /** Caps the votes one network adds to a question (see townhall/vote-guard.ts). */
  votes: VoteGuard;
  questions: QuestionStore;
  townHalls: TownHallService;
  moderation: ModerationPipeline;
  identity: IdentityService;
  /** The names staff see for anonymous askers, per town hall. */
  pseudonyms: Pseudonyms;
  tallyIntervalMs: number;
  /** Where the dirty keys live: with several nodes, changes are gathered in Redis and sent once, by one node. */
  coordination: Pick<Coordination, 'dirtyKeys'>;
  /** The department's topics a question may be filed under. */
  topics: QaTopics;
  /**
   * How old a similar-questions index may grow before a lookup reads the store again: what
   * bounds how late another node's (or process's) questions are offered. SIMILAR_MAX_AGE_MS by default.
   */
  similarMaxAgeMs?: number;
  /** Told of every question stored (the notices make its asker a follower). */
  events?: { asked(question: QuestionRecord): void; merged(target: QuestionRecord, merged: QuestionRecord[]): void };
}

/** Wires the live Q&A commands onto every connection. */
export function registerQa(deps: QaDeps): { close(): void } {
  const { room, questions, townHalls, moderation, identity, pseudonyms: pseudonym } = deps;
  const tally = createVoteTally({
    room,
    questions,
    intervalMs: deps.tallyIntervalMs,
    keys: deps.coordination.dirtyKeys('qa-votes', deps.tallyIntervalMs, deps.log),
    log: deps.log,
  });
  // Counts changed since the last frame ride in the next one, not a tally interval later.
  room.beforeFrame(tally.flush);
  // Every change this node broadcasts also reaches the similar-questions index.
  const similar = createSimilarQuestions({
    questions,
    pseudonyms: pseudonym,
    ...(deps.similarMaxAgeMs === undefined ? {} : { maxAgeMs: deps.similarMaxAgeMs }),
  });
  const broadcast = similar.watch(createQaBroadcast(room, pseudonym));

  const requireOpen = (townHallId: string) => townHalls.requireNotEnded(townHallId);
  const requireQuestion = async (id: string): Promise<QuestionRecord> => {
    const q = await questions.getQuestion(id);
    if (!q || q.status === 'removed' || q.status === 'rejected') {
      throw new CommandError(ErrorCode.NOT_FOUND, 'No such question.');
    }
    return q;
  };
  const authorReviews = async (q: QuestionRecord) => canReview((await identity.sessionUser(q.authorId))?.role ?? 'resident');
  moderation.registerKind(createQuestionAdapter({ questions, townHalls, broadcast, authorReviews }));
  const staffView = (q: QuestionRecord) => viewOf(q, 'staff', pseudonym(q.authorId, q.townHallId));
  const conflict = (message: string) => new CommandError(ErrorCode.CONFLICT, message);

  // A town hall's questions as everyone but their askers sees them, read and made into views once
  // for every join until the room next changes (room.sharedRead): a crowd re-joining after a restart
  // would otherwise read and shape the same list once per person. Staff views are made only when
  // a reviewer joins, since they name anonymous askers by their handle.
  type Shared = { list: QuestionRecord[]; views: Partial<Record<'public' | 'staff', (QuestionView | null)[]>> };
  const visibleNow = room.sharedRead(async (townHallId): Promise<Shared> => ({ list: await questions.listVisible(townHallId), views: {} }));
  const viewsFor = (shared: Shared, audience: 'public' | 'staff'): (QuestionView | null)[] =>
    (shared.views[audience] ??= shared.list.map((q) =>
      audience === 'staff' ? staffView(q) : q.status === 'published' ? viewOf(q, 'public', '') : null,
    ));

  async function snapshot(user: SessionUser, townHallId: string, mode: QaSnapshot['moderation']): Promise<QaSnapshot> {
    const [shared, myVotes, slowModeSeconds, topics] = await Promise.all([
      visibleNow(townHallId),
      questions.votesBy(townHallId, user.id),
      moderation.slowMode(townHallPlace(townHallId)),
      deps.topics.list(),
    ]);
    const reviews = canReview(user.role);
    const others = viewsFor(shared, reviews ? 'staff' : 'public');
    const visible = shared.list.flatMap((q, i) => {
      if (q.authorId === user.id) return [viewOf(q, 'author', pseudonym(q.authorId, townHallId), reviews)];
      const view = others[i];
      return view ? [view] : [];
    });
    const visibleIds = new Set(visible.map((q) => q.id));
    return {
      townHallId,
      moderation: mode,
      slowModeSeconds,
      questions: visible,
      myVotes: myVotes.filter((id) => visibleIds.has(id)),
      topics,
    };
  }

  room.use({ name: 'qa', onJoin: ({ user, townHall }) => snapshot(user, townHall.id, townHall.moderation) });

  const bind = commandBinder(deps);

  bind('qa:ask', {
    schema: QaAsk,
    townHall: (input) => input.townHallId,
    limit: RATES.ask,
    async run({ user }, input) {
      const townHall = await requireOpen(input.townHallId);
      if (input.topicId) await deps.topics.requireUsable(input.topicId);
      const q = await moderation.admit(
        { kind: 'question', author: user, place: townHallPlace(townHall.id), text: input.text, mode: townHall.moderation },
        (admitted) =>
          questions.addQuestion({
            townHallId: townHall.id,
            authorId: user.id,
            authorName: user.displayName,
            authorRole: badgeOf(user.role),
            anonymous: input.anonymous,
            topicId: input.topicId ?? null,
            ...admitted,
          }),
      );
      deps.log.info({ question: q.id, townHall: q.townHallId, status: q.status }, 'question asked');
      deps.events?.asked(q);
      const reviews = canReview(user.role);
      broadcast.changed(q, reviews);
      return viewOf(q, 'author', pseudonym(user.id, q.townHallId), reviews);
    },
  });

  bind('qa:vote', {
    schema: QaVote,
    limit: RATES.vote,
    async run({ user, socket }, { questionId, voted }) {
      const q = await requireQuestion(questionId);
      requireJoined(socket, q.townHallId);
      if (q.status === 'merged') throw mergedVoteError();
      await requireOpen(q.townHallId);
      await moderation.requireAllowed(user, q.townHallId);
      if (voted) await deps.votes.admit({ user, network: socket.data.network, townHallId: q.townHallId, target: { kind: 'question', id: q.id } });
      const change = voted ? await questions.castVote(q, user.id) : await questions.retractVote(q, user.id);
      if (!change) throw conflict('Only published questions take votes.');
      await moderation.tookPart(user.id, townHallPlace(q.townHallId));
      const result = { questionId: q.id, voted, votes: change.votes };
      if (change.changed) {
        tally.record(q.id);
        socket.to(rooms.user(user.id)).emit('qa:my-vote-changed', result);
      }
      return result;
    },
  });

  bind('qa:set-answer-state', {
    schema: QaSetAnswerState,
    allow: (user) => canAnswer(user.role),
    limit: RATES.staff,
    async run({ user, socket }, { questionId, state }) {
      const q = await requireQuestion(questionId);
      requireJoined(socket, q.townHallId);
      requireHost(await requireOpen(q.townHallId), user, 'mark questions answered');
      // One question is "answering now" at a time: starting another puts the previous back.
      if (state === 'answering') {
        for (const other of await questions.listVisible(q.townHallId)) {
          if (other.id === q.id || other.answerState !== 'answering') continue;
          const reopened = await questions.setAnswerState(other.id, 'open');
          if (reopened) broadcast.changed(reopened, await authorReviews(reopened));
        }
      }
      const updated = await questions.setAnswerState(q.id, state);
      if (!updated) throw conflict('Only published questions can be answered.');
      broadcast.changed(updated, await authorReviews(updated));
      return staffView(updated);
    },
  });

  bind('qa:answer', {
    schema: QaAnswer,
    allow: (user) => canAnswer(user.role),
    limit: RATES.staff,
    async run({ user, socket }, { questionId, text }) {
      const q = await requireQuestion(questionId);
      requireJoined(socket, q.townHallId);
      requireHost(await requireOpen(q.townHallId), user, 'answer its questions');
      const updated = await questions.setAnswer(q.id, { text, byName: user.displayName, at: Date.now() });
      if (!updated) throw conflict('Only published questions can be answered.');
      broadcast.changed(updated, await authorReviews(updated));
      return staffView(updated);
    },
  });

  bind('qa:set-moderation', {
    schema: QaSetModeration,
    allow: (user) => canHost(user.role),
    townHall: (input) => input.townHallId,

    limit: RATES.staff,
    async run({ user }, { townHallId, moderation: mode }) {
      requireHost(await requireOpen(townHallId), user, 'change its moderation mode');
      await townHalls.setModeration(townHallId, mode);
      room.publish(townHallId, 'qa:moderation-changed', { townHallId, moderation: mode });
      return null;
    },
  });

  bindSimilar(bind, similar);
  bindTopicCommands(bind, { questions, townHalls, topics: deps.topics, broadcast, limit: RATES.staff, requireQuestion, authorReviews, staffView });
  registerMerges({ ...deps, broadcast, authorReviews });

  return {
    close() {
      tally.close();
      similar.clear();
    },
  };
}
