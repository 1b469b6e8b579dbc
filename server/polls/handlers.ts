import { CommandError, ErrorCode } from '../../shared/errors.js';
import { PollCreate, PollOpen, PollRef, PollVote, type Ballot, type PollView } from '../../shared/polls.js';
import { canAnswer } from '../../shared/roles.js';
import { commandBinder, type CommandDeps } from '../core/command.js';
import type { Coordination } from '../core/coordination.js';
import { newId } from '../core/ids.js';
import type { RateRule } from '../core/rate-limit.js';
import type { AppSocket, SessionUser } from '../core/types.js';
import type { ModerationPipeline } from '../moderation/pipeline-types.js';
import { townHallPlace } from '../../shared/moderation.js';
import { requireHost, requireJoined } from '../townhall/access.js';
import type { TownHallRoom } from '../townhall/room.js';
import type { TownHallService } from '../townhall/service.js';
import type { VoteGuard } from '../townhall/vote-guard.js';
import { createAnswerAdapter } from './adapter.js';
import { createPollBroadcast } from './broadcast.js';
import { ballotProblem, canSeePoll, canSeeResults, isOverdue, pollView, tally } from './rules.js';
import type { CastOutcome, NewBallot, PollRecord, PollStore } from './store.js';
import { createResultsTally } from './tally.js';

export const RATES = {
  vote: { name: 'poll:vote', points: 10, seconds: 1 },
  staff: { name: 'poll:act-as-staff', points: 30, seconds: 1 },
} satisfies Record<string, RateRule>;

export interface PollDeps extends CommandDeps {
  /** Where polls add their part to a join and send their facts. */
  room: TownHallRoom;
  /** Caps the votes one network adds to a poll (see townhall/vote-guard.ts). */
  votes: VoteGuard;
  polls: PollStore;
  townHalls: TownHallService;
  moderation: ModerationPipeline;
  /** How often results go out while ballots arrive (the Q&A tally's interval). */
  tallyIntervalMs: number;
  /** Where the dirty keys live: with several nodes, changes are gathered in Redis and sent once, by one node. */
  coordination: Pick<Coordination, 'dirtyKeys'>;
}

const notFound = () => new CommandError(ErrorCode.NOT_FOUND, 'No such poll.');
const conflict = (message: string) => new CommandError(ErrorCode.CONFLICT, message);

/**
 * Wires the poll commands onto every connection. A timed poll is closed by a timer on the node
 * that opened it, and by whichever node next reads it or takes a ballot for it once its time has
 * passed, so nothing depends on one process staying up.
 */
export function registerPolls(deps: PollDeps): { close(): void } {
  const { room, polls, townHalls, moderation } = deps;
  const broadcast = createPollBroadcast(room);
  const results = createResultsTally(
    deps.tallyIntervalMs,
    sendResults,
    deps.coordination.dirtyKeys('poll-results', deps.tallyIntervalMs, deps.log),
    deps.log,
  );
  room.beforeFrame(results.flush);
  const timers = new Map<string, NodeJS.Timeout>();
  let stopped = false;
  moderation.registerKind(createAnswerAdapter({ polls, townHalls, changed: results.dirty }));

  async function sendResults(pollId: string): Promise<void> {
    const poll = await polls.getPoll(pollId);
    if (!poll || poll.status === 'draft') return;
    broadcast.results(poll, tally(poll, await polls.ballots(poll.id)));
  }

  const announce = (poll: PollRecord) => {
    broadcast.changed(poll);
    if (poll.status !== 'draft') results.dirty(poll.id);
    if (poll.status === 'closed') {
      clearTimeout(timers.get(poll.id));
      timers.delete(poll.id);
    }
  };

  /**
   * Closes a timed poll whose time has passed (at its closing time); of racing nodes one wins and
   * tells. A timed poll still running gets a timer here too, so a node that restarted, or never
   * opened the poll, closes it on time once anyone has read it through that node.
   */
  async function settle(poll: PollRecord): Promise<PollRecord> {
    if (!isOverdue(poll, Date.now())) {
      if (poll.status === 'open' && !timers.has(poll.id)) schedule(poll);
      return poll;
    }
    const closed = await polls.transition(poll.id, 'closed', poll.closesAt!);
    if (closed) {
      deps.log.info({ poll: poll.id }, 'poll closed on time');
      announce(closed);
      return closed;
    }
    return (await polls.getPoll(poll.id)) ?? poll;
  }

  // settle() re-arms the timer should it fire a moment before the closing time.
  function schedule(poll: PollRecord): void {
    if (poll.closesAt === null || stopped) return;
    const timer = setTimeout(() => {
      timers.delete(poll.id);
      polls
        .getPoll(poll.id)
        .then((current) => current && settle(current))
        .catch((err) => deps.log.warn({ err, poll: poll.id }, 'timed poll not closed; the next read closes it'));
    }, Math.max(0, poll.closesAt - Date.now()));
    timer.unref();
    timers.set(poll.id, timer);
  }

  const requireLive = (townHallId: string) => townHalls.requireNotEnded(townHallId);
  /** The poll as this person may know it, settled if its time has passed; drafts are unknown to residents. */
  const requirePoll = async (socket: AppSocket, user: SessionUser, pollId: string): Promise<PollRecord> => {
    const poll = await polls.getPoll(pollId);
    if (!poll || !canSeePoll(poll, user.role)) throw notFound();
    requireJoined(socket, poll.townHallId);
    return settle(poll);
  };

  async function viewFor(user: SessionUser, poll: PollRecord): Promise<PollView> {
    const [ballots, mine] = await Promise.all([
      canSeeResults(poll, user.role) ? polls.ballots(poll.id) : null,
      polls.ballotOf(poll.id, user.id),
    ]);
    return pollView(poll, ballots ? tally(poll, ballots) : null, mine?.ballot ?? null);
  }

  /** A word-cloud answer comes in through moderation like any text; other ballots have nothing to screen. */
  function submitBallot(user: SessionUser, poll: PollRecord, ballot: Ballot, castAt: number): Promise<CastOutcome> {
    const store = (b: NewBallot) => polls.castBallot(poll.id, user.id, b, poll.allowChange);
    if (ballot.kind !== 'wordcloud') return store({ ballot, castAt, status: 'published', holdReason: null, filterHits: [] });
    return moderation.admit(
      { kind: 'answer', author: user, place: townHallPlace(poll.townHallId), text: ballot.text, mode: 'post' },
      ({ text, ...admitted }) => store({ ballot: { kind: 'wordcloud', text }, castAt, ...admitted }),
      (outcome) => (outcome.accepted ? { id: outcome.ballot.id, createdAt: outcome.ballot.castAt, status: outcome.ballot.status } : null),
    );
  }

  // Every poll this person may see, settled first so a poll past its time shows closed; read and
  // settled once for every join until the room next changes (room.sharedRead), then shown to each
  // their way.
  const pollsNow = room.sharedRead(async (townHallId) => Promise.all((await polls.listPolls(townHallId)).map(settle)));
  room.use({
    name: 'polls',
    async onJoin({ user, townHall }) {
      const visible = (await pollsNow(townHall.id)).filter((p) => canSeePoll(p, user.role));
      return Promise.all(visible.map((p) => viewFor(user, p)));
    },
  });

  const bind = commandBinder(deps);

  bind('poll:create', {
    schema: PollCreate,
    allow: (user) => canAnswer(user.role),
    townHall: (input) => input.townHallId,

    limit: RATES.staff,
    async run({ user }, input) {
      requireHost(await requireLive(input.townHallId), user, 'run its polls');
      const poll = await polls.createPoll({
        townHallId: input.townHallId,
        kind: input.kind,
        question: input.question,
        options: input.options.map((label) => ({ id: newId(), label })),
        maxChoices: input.maxChoices ?? null,
        scale: input.scale ?? null,
        visibility: input.visibility,
        allowChange: input.allowChange,
        createdBy: user.id,
      });
      deps.log.info({ poll: poll.id, townHall: poll.townHallId, kind: poll.kind }, 'poll drafted');
      announce(poll);
      return pollView(poll, null, null);
    },
  });

  bind('poll:open', {
    schema: PollOpen,
    allow: (user) => canAnswer(user.role),
    limit: RATES.staff,
    async run({ user, socket }, { pollId, durationSeconds }) {
      const poll = await requirePoll(socket, user, pollId);
      requireHost(await requireLive(poll.townHallId), user, 'run its polls');
      const now = Date.now();
      const opened = await polls.transition(poll.id, 'open', now, durationSeconds ? now + durationSeconds * 1000 : null);
      if (!opened) throw conflict('Only a draft can be opened.');
      deps.log.info({ poll: opened.id, closesAt: opened.closesAt }, 'poll opened');
      announce(opened);
      schedule(opened);
      return viewFor(user, opened);
    },
  });

  bind('poll:close', {
    schema: PollRef,
    allow: (user) => canAnswer(user.role),
    limit: RATES.staff,
    async run({ user, socket }, { pollId }) {
      const poll = await requirePoll(socket, user, pollId);
      requireHost(await townHalls.require(poll.townHallId), user, 'run its polls');
      if (poll.status !== 'open') throw conflict('Only an open poll can be closed.');
      const closed = await polls.transition(poll.id, 'closed', Date.now());
      if (!closed) throw conflict('This poll has already closed.');
      deps.log.info({ poll: closed.id }, 'poll closed');
      announce(closed);
      return viewFor(user, closed);
    },
  });

  bind('poll:vote', {
    schema: PollVote,
    limit: RATES.vote,
    async run({ user, socket }, { pollId, ballot }) {
      const poll = await requirePoll(socket, user, pollId);
      if (poll.status !== 'open') throw conflict(poll.status === 'closed' ? 'This poll has closed.' : 'This poll is not open yet.');
      await requireLive(poll.townHallId);
      await moderation.requireAllowed(user, poll.townHallId);
      const problem = ballotProblem(poll, ballot);
      if (problem) throw new CommandError(ErrorCode.INVALID_PAYLOAD, problem, { fields: ['ballot'] });
      // Refused before screening, so a doomed answer costs no slow-mode budget; the store checks again.
      if (!poll.allowChange && (await polls.ballotOf(poll.id, user.id))) throw conflict('You have already voted.');
      await deps.votes.admit({ user, network: socket.data.network, townHallId: poll.townHallId, target: { kind: 'poll', id: poll.id } });
      const outcome = await submitBallot(user, poll, ballot, Date.now());
      if (!outcome.accepted) {
        throw conflict(outcome.reason === 'already-voted' ? 'You have already voted.' : 'This poll has closed.');
      }
      const cast = outcome.ballot;
      await moderation.tookPart(user.id, townHallPlace(poll.townHallId));
      results.dirty(poll.id);
      const held = cast.status === 'held';
      return {
        pollId: poll.id,
        ballot: cast.ballot,
        replaced: outcome.replaced,
        held,
        ...(held && cast.holdReason ? { holdReason: cast.holdReason } : {}),
      };
    },
  });


  return {
    close() {
      stopped = true;
      results.close();
      for (const timer of timers.values()) clearTimeout(timer);
      timers.clear();
    },
  };
}
