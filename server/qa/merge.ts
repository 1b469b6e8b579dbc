import { CommandError, ErrorCode } from '../../shared/errors.js';
import { QaMerge, QaUnmerge, type MergeResult, type QuestionView } from '../../shared/qa.js';
import { canHost, canModerate, canReview } from '../../shared/roles.js';
import { commandBinder, type CommandDeps } from '../core/command.js';
import type { RateRule } from '../core/rate-limit.js';
import type { SessionUser } from '../core/types.js';
import type { Pseudonyms } from '../identity/pseudonyms.js';
import type { ModerationPipeline } from '../moderation/pipeline-types.js';
import { requireHost, requireJoined } from '../townhall/access.js';
import type { TownHallRoom } from '../townhall/room.js';
import type { TownHallService } from '../townhall/service.js';
import type { QaBroadcast } from './broadcast.js';
import { mergedView, mergeRefusalError } from './merge-rules.js';
import { viewOf } from './rules.js';
import type { QuestionRecord, QuestionStore } from './store.js';

/** As generous as Q&A's other staff commands: a host clears a run of duplicates in a few seconds. */
export const MERGE_RATE = { name: 'qa:merge', points: 30, seconds: 1 } satisfies RateRule;

export interface MergeDeps extends CommandDeps {
  room: TownHallRoom;
  questions: QuestionStore;
  townHalls: TownHallService;
  moderation: ModerationPipeline;
  pseudonyms: Pseudonyms;
  broadcast: QaBroadcast;
  authorReviews(q: QuestionRecord): Promise<boolean>;
  /** Told after a merge is stored (notices: the merged questions' followers follow the survivor). */
  events?: { merged(target: QuestionRecord, merged: QuestionRecord[]): void };
}

const questionRef = (id: string) => ({ kind: 'question' as const, id });

/**
 * Merging duplicate questions, and undoing a merge, while a town hall has not ended: by its
 * hosts, or by moderators (who keep every room). Merged questions leave everyone's list and
 * reach only staff and their askers, who see where each went; the survivor shows how many others
 * asked it. Both actions are on the audit chain and each asker gets a notice.
 */
export function registerMerges(deps: MergeDeps): void {
  const { room, questions, townHalls, moderation, pseudonyms: pseudonym, broadcast } = deps;
  const bind = commandBinder(deps);
  const handle = (q: QuestionRecord) => pseudonym(q.authorId, q.townHallId);

  /** The question a command names, in a town hall this connection joined, that has not ended and that this person may run. */
  async function authorise(user: SessionUser, socket: Parameters<typeof requireJoined>[0], questionId: string) {
    const q = await questions.getQuestion(questionId);
    if (!q || q.status === 'removed' || q.status === 'rejected') throw new CommandError(ErrorCode.NOT_FOUND, 'No such question.');
    requireJoined(socket, q.townHallId);
    const townHall = await townHalls.requireNotEnded(q.townHallId);
    if (!canModerate(user.role)) requireHost(townHall, user, 'merge its questions');
    return q;
  }

  /** A merged question leaves every list; staff and its asker get its merged copy instead. */
  async function showMerged(source: QuestionRecord, target: QuestionRecord) {
    const removal = { townHallId: source.townHallId, questionId: source.id };
    const asker = { people: [source.authorId] };
    room.publish(source.townHallId, 'qa:question-removed', removal, asker);
    room.publishToStaff(source.townHallId, 'qa:question-merged', { question: mergedView(source, target, 'staff', handle(source)) }, asker);
    const own = mergedView(source, target, 'author', handle(source), await deps.authorReviews(source));
    room.publishToPerson(source.authorId, 'qa:question-merged', { question: own });
  }

  bind('qa:merge', {
    schema: QaMerge,
    allow: (user) => canHost(user.role) || canModerate(user.role),
    limit: MERGE_RATE,
    async run({ user, socket }, { targetId, sourceIds }): Promise<MergeResult> {
      await authorise(user, socket, targetId);
      const outcome = await questions.mergeQuestions(targetId, sourceIds);
      if (!outcome.ok) throw mergeRefusalError(outcome, targetId);
      const { target, sources } = outcome;
      deps.log.info({ question: target.id, townHall: target.townHallId, merged: sources.length }, 'questions merged');
      // Before the removals, so a client still knows which of them it had voted for.
      room.publish(target.townHallId, 'qa:questions-merged', { townHallId: target.townHallId, targetId: target.id, questionIds: sourceIds });
      for (const source of sources) await showMerged(source, target);
      broadcast.changed(target, await deps.authorReviews(target));
      for (const source of sources) {
        await moderation.recordAction(user, 'merge', questionRef(source.id), `into question:${target.id}`);
        if (source.authorId !== user.id) await moderation.notifyAuthor({ authorId: source.authorId, ref: questionRef(source.id), text: source.text }, 'merge');
      }
      // The merged questions' askers and followers hear of the survivor's follow-up from now on.
      deps.events?.merged(target, sources);
      return { question: viewOf(target, 'staff', handle(target)), questionIds: sourceIds };
    },
  });

  bind('qa:unmerge', {
    schema: QaUnmerge,
    allow: (user) => canHost(user.role) || canModerate(user.role),
    limit: MERGE_RATE,
    async run({ user, socket }, { questionId }): Promise<MergeResult> {
      await authorise(user, socket, questionId);
      const outcome = await questions.unmergeQuestion(questionId);
      if (!outcome.ok) {
        if (outcome.refused === 'missing') throw new CommandError(ErrorCode.NOT_FOUND, 'No such question.');
        throw new CommandError(ErrorCode.CONFLICT, 'This question is not merged into another.');
      }
      const { source, target } = outcome;
      deps.log.info({ question: source.id, townHall: source.townHallId }, 'question unmerged');
      broadcast.changed(source, await deps.authorReviews(source));
      // A survivor a moderator took down meanwhile stays down: only its count changed.
      if (target.status !== 'removed' && target.status !== 'rejected') broadcast.changed(target, await deps.authorReviews(target));
      // Each of its voters supports it again, and the survivor only if they voted there too.
      const still = new Set(outcome.stillOnTarget);
      for (const voter of outcome.voters) {
        room.publishToPerson(voter, 'qa:my-vote-changed', { questionId: source.id, voted: true, votes: source.votes });
        if (!still.has(voter)) room.publishToPerson(voter, 'qa:my-vote-changed', { questionId: target.id, voted: false, votes: target.votes });
      }
      await moderation.recordAction(user, 'unmerge', questionRef(source.id), `from question:${target.id}`);
      if (source.authorId !== user.id) await moderation.notifyAuthor({ authorId: source.authorId, ref: questionRef(source.id), text: source.text }, 'unmerge');
      return { question: viewOf(target, 'staff', handle(target)), questionIds: [source.id] };
    },
  });

  // Reviewing staff get every merged question (to undo a merge); an asker gets their own. The
  // list is read once for every join until the room next changes (room.sharedRead).
  const mergedNow = room.sharedRead((townHallId) => questions.listMerged(townHallId));
  room.use({
    name: 'qaMerged',
    async onJoin({ user, townHall }): Promise<QuestionView[]> {
      const reviews = canReview(user.role);
      const merged = (await mergedNow(townHall.id)).filter((q) => reviews || q.authorId === user.id);
      if (merged.length === 0) return [];
      const targets = new Map<string, QuestionRecord>();
      for (const id of new Set(merged.map((q) => q.mergedInto!))) {
        const target = await questions.getQuestion(id);
        if (target) targets.set(id, target);
      }
      return merged.flatMap((q) => {
        const target = targets.get(q.mergedInto!);
        // A survivor a moderator later took down is not shown to askers; staff still see it, to undo the merge.
        if (!target || (!reviews && (target.status === 'removed' || target.status === 'rejected'))) return [];
        const audience = q.authorId === user.id ? 'author' : 'staff';
        return [mergedView(q, target, audience, handle(q), reviews)];
      });
    },
  });
}
