// Topics on questions: the asker picks one (qa:ask), hosts and moderators file or refile it.
import { CommandError, ErrorCode } from '../../shared/errors.js';
import { QaSetTopic, type QuestionView } from '../../shared/qa.js';
import { canModerate, canReview } from '../../shared/roles.js';
import type { Bind } from '../core/command.js';
import type { RateRule } from '../core/rate-limit.js';
import type { SessionUser } from '../core/types.js';
import type { TopicService } from '../settings/topics.js';
import { requireHost, requireJoined } from '../townhall/access.js';
import type { TownHallService } from '../townhall/service.js';
import type { QaBroadcast } from './broadcast.js';
import type { QuestionRecord, QuestionStore } from './store.js';

export type QaTopics = Pick<TopicService, 'list' | 'requireUsable'>;

export interface TopicCommandDeps {
  questions: QuestionStore;
  townHalls: TownHallService;
  topics: QaTopics;
  broadcast: QaBroadcast;
  limit: RateRule;
  requireQuestion(id: string): Promise<QuestionRecord>;
  authorReviews(q: QuestionRecord): Promise<boolean>;
  staffView(q: QuestionRecord): QuestionView;
}

/**
 * Binds `qa:set-topic`. Moderators may file any town hall's questions; an officer only those of
 * the town halls they host. A topic that does not exist or is retired is refused before
 * anything changes.
 */
export function bindTopicCommands(bind: Bind, deps: TopicCommandDeps): void {
  const { questions, townHalls, topics, broadcast } = deps;
  const requireFiler = async (user: SessionUser, townHallId: string) => {
    const townHall = await townHalls.requireNotEnded(townHallId);
    if (!canModerate(user.role)) requireHost(townHall, user, 'change the topics of its questions');
  };
  bind('qa:set-topic', {
    schema: QaSetTopic,
    allow: (user) => canReview(user.role),
    limit: deps.limit,
    async run({ user, socket }, { questionId, topicId }) {
      const q = await deps.requireQuestion(questionId);
      requireJoined(socket, q.townHallId);
      await requireFiler(user, q.townHallId);
      if (topicId !== null) await topics.requireUsable(topicId);
      const updated = await questions.setTopic(q.id, topicId);
      if (!updated) throw new CommandError(ErrorCode.NOT_FOUND, 'No such question.');
      broadcast.changed(updated, await deps.authorReviews(updated));
      return deps.staffView(updated);
    },
  });
}
