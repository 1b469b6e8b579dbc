// The host's "next question": one key on the presenter screen or on the host's page marks the
// question being answered as answered and takes the top-ranked open question next.
import { CommandError, ErrorCode } from '../../shared/errors.js';
import { QaAdvance, type AdvanceResult } from '../../shared/presenter.js';
import { compareForRanking, type QuestionView } from '../../shared/qa.js';
import { canAnswer, canReview } from '../../shared/roles.js';
import { commandBinder, type CommandDeps } from '../core/command.js';
import type { IdentityService } from '../identity/service.js';
import type { Pseudonyms } from '../identity/pseudonyms.js';
import { requireHost } from '../townhall/access.js';
import type { RoomPublisher } from '../townhall/publish.js';
import type { TownHallService } from '../townhall/service.js';
import { createQaBroadcast } from './broadcast.js';
import { RATES } from './handlers.js';
import { viewOf } from './rules.js';
import type { QuestionRecord, QuestionStore } from './store.js';

export interface QaAdvanceDeps extends CommandDeps {
  room: RoomPublisher;
  questions: QuestionStore;
  townHalls: TownHallService;
  identity: IdentityService;
  pseudonyms: Pseudonyms;
}

/**
 * Which question comes next, ranked exactly as the host's page and the presenter screen rank
 * them (`compareForRanking`): only published questions still open are candidates.
 */
export function nextInLine(list: QuestionRecord[], staffView: (q: QuestionRecord) => QuestionView): QuestionRecord | null {
  const open = list.filter((q) => q.status === 'published' && q.answerState === 'open');
  const byId = new Map(open.map((q) => [q.id, q]));
  const first = open.map(staffView).sort(compareForRanking)[0];
  return first ? (byId.get(first.id) ?? null) : null;
}

export function registerQaAdvance(deps: QaAdvanceDeps): void {
  const { questions, townHalls, identity, pseudonyms } = deps;
  const broadcast = createQaBroadcast(deps.room, pseudonyms);
  const staffView = (q: QuestionRecord) => viewOf(q, 'staff', pseudonyms(q.authorId, q.townHallId));
  const authorReviews = async (q: QuestionRecord) => canReview((await identity.sessionUser(q.authorId))?.role ?? 'resident');

  // One advance at a time per town hall on this node: two presses that arrive together run one
  // after the other, so the second sees the first's result and never leaves two questions
  // "answering now".
  const inFlight = new Map<string, Promise<unknown>>();
  const serially = <T>(townHallId: string, run: () => Promise<T>): Promise<T> => {
    const next = (inFlight.get(townHallId) ?? Promise.resolve()).catch(() => undefined).then(run);
    inFlight.set(townHallId, next);
    void next.finally(() => inFlight.get(townHallId) === next && inFlight.delete(townHallId)).catch(() => undefined);
    return next;
  };

  commandBinder(deps)('qa:advance', {
    schema: QaAdvance,
    allow: (user) => canAnswer(user.role),
    townHall: (input) => input.townHallId,
    limit: RATES.staff,
    async run({ user }, { townHallId, current }) {
      const townHall = await townHalls.require(townHallId);
      requireHost(townHall, user, 'move to the next question');
      if (townHall.status !== 'live') throw new CommandError(ErrorCode.CONFLICT, 'This town hall is not live.');
      return serially(townHallId, async (): Promise<AdvanceResult> => {
        const list = (await questions.listVisible(townHallId)).filter((q) => q.status === 'published');
        const now = list.filter((q) => q.answerState === 'answering');
        // Any question still "answering now" on this screen will do: should two ever be, each
        // screen may show either first.
        const seen = current === null ? now.length === 0 : current === undefined || now.some((q) => q.id === current);
        if (!seen) {
          throw new CommandError(ErrorCode.CONFLICT, 'The question being answered has already changed.');
        }
        const next = nextInLine(list, staffView);
        if (now.length === 0 && !next) throw new CommandError(ErrorCode.NOT_FOUND, 'No question is waiting to be answered.');
        let answered: QuestionRecord | null = null;
        for (const q of now) {
          const done = await questions.setAnswerState(q.id, 'answered');
          if (done) broadcast.changed(done, await authorReviews(done));
          answered ??= done;
        }
        const answering = next ? await questions.setAnswerState(next.id, 'answering') : null;
        if (answering) broadcast.changed(answering, await authorReviews(answering));
        deps.log.info({ townHall: townHallId, answered: answered?.id ?? null, answering: answering?.id ?? null }, 'question advanced');
        return { answered: answered && staffView(answered), answering: answering && staffView(answering) };
      });
    },
  });
}
