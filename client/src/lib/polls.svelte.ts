import type { Result } from '../../../shared/errors.js';
import type { HoldReason } from '../../../shared/moderation.js';
import type { Ballot, PollResults, PollServerEvents, PollView } from '../../../shared/polls.js';
import type { VoteSurge } from '../../../shared/townhall.js';
import { command, getSocket, type CommandPayload } from './socket.js';
import type { TownHallRoom } from './townhall-room.svelte.js';

/** What a screen-reader user hears about polls: openings and closings, never a tally. */
export interface PollAnnouncement {
  seq: number;
  kind: 'opened' | 'closed';
  question: string;
}

export type NewPollInput = Omit<CommandPayload<'poll:create'>, 'townHallId'>;

const byCreated = (a: PollView, b: PollView): number => a.createdAt - b.createdAt;
const byRecentlyClosed = (a: PollView, b: PollView): number => (b.closedAt ?? 0) - (a.closedAt ?? 0);

/**
 * The polls of one town hall as this person sees them. The list comes with every join of the
 * town hall's room (its `polls` part), then is kept current by `poll:changed` (the poll itself)
 * and `poll:results-tallied` (its tally, at most once per tally interval).
 */
export class PollsState {
  readonly townHallId: string;

  polls = $state.raw<PollView[]>([]);
  loaded = $state.raw(false);
  announcement = $state.raw<PollAnnouncement | null>(null);
  /** Staff: ballots from freshly made identities on one network, per poll, as the server reported them. */
  surges = $state.raw<Record<string, number>>({});

  readonly open = $derived(this.polls.filter((p) => p.status === 'open').sort(byCreated));
  readonly drafts = $derived(this.polls.filter((p) => p.status === 'draft').sort(byCreated));
  readonly closed = $derived(this.polls.filter((p) => p.status === 'closed').sort(byRecentlyClosed));

  #seq = 0;

  constructor(townHallId: string) {
    this.townHallId = townHallId;
  }

  /** Follows the polls of the room; returns the function that stops. */
  start(room: TownHallRoom): () => void {
    const socket = getSocket();
    const handlers: { [K in keyof PollServerEvents]: PollServerEvents[K] } = {
      'poll:changed': ({ poll }) => {
        if (poll.townHallId === this.townHallId) room.whenJoined(() => this.#upsert(poll, true));
      },
      'poll:results-tallied': ({ pollId, results }) => room.whenJoined(() => this.#setResults(pollId, results)),
    };
    const onSurge = ({ townHallId, target, votes }: VoteSurge) => {
      if (townHallId === this.townHallId && target.kind === 'poll') this.surges = { ...this.surges, [target.id]: votes };
    };
    for (const [event, handler] of Object.entries(handlers)) socket.on(event as keyof PollServerEvents, handler);
    socket.on('townhall:votes-surged', onSurge);
    const detach = room.attach({
      joined: (snapshot) => {
        this.polls = snapshot.polls;
        this.loaded = true;
      },
    });
    return () => {
      detach();
      socket.off('townhall:votes-surged', onSurge);
      for (const [event, handler] of Object.entries(handlers)) socket.off(event as keyof PollServerEvents, handler);
    };
  }

  async create(input: NewPollInput): Promise<Result<PollView>> {
    const result = await command('poll:create', { ...input, townHallId: this.townHallId });
    if (result.ok) this.#replace(result.data);
    return result;
  }

  async launch(pollId: string, durationSeconds?: number): Promise<Result<PollView>> {
    const result = await command('poll:open', durationSeconds ? { pollId, durationSeconds } : { pollId });
    if (result.ok) this.#replace(result.data);
    return result;
  }

  async close(pollId: string): Promise<Result<PollView>> {
    const result = await command('poll:close', { pollId });
    if (result.ok) this.#replace(result.data);
    return result;
  }

  async vote(pollId: string, ballot: Ballot): Promise<Result<{ pollId: string; ballot: Ballot; replaced: boolean; held: boolean; holdReason?: HoldReason }>> {
    const result = await command('poll:vote', { pollId, ballot });
    if (result.ok) this.#patch(result.data.pollId, { myBallot: result.data.ballot });
    return result;
  }

  /** A command's answer: the whole view, as this person may see it. */
  #replace(poll: PollView): void {
    const index = this.polls.findIndex((p) => p.id === poll.id);
    this.polls = index === -1 ? [...this.polls, poll] : this.polls.map((p, i) => (i === index ? poll : p));
  }

  /** A fact: the poll without results or ballot, which are kept from what is known. */
  #upsert(poll: Omit<PollView, 'results' | 'myBallot'>, announce: boolean): void {
    const index = this.polls.findIndex((p) => p.id === poll.id);
    const previous = index === -1 ? undefined : this.polls[index];
    const next: PollView = { ...poll, results: previous?.results ?? null, myBallot: previous?.myBallot ?? null };
    this.polls = index === -1 ? [...this.polls, next] : this.polls.map((p, i) => (i === index ? next : p));
    if (!announce || previous?.status === next.status) return;
    if (next.status === 'open') this.#announce('opened', next.question);
    else if (next.status === 'closed') this.#announce('closed', next.question);
  }

  #setResults(pollId: string, results: PollResults): void {
    this.#patch(pollId, { results });
  }

  #patch(pollId: string, change: Partial<Pick<PollView, 'results' | 'myBallot'>>): void {
    if (!this.polls.some((p) => p.id === pollId)) return;
    this.polls = this.polls.map((p) => (p.id === pollId ? { ...p, ...change } : p));
  }

  #announce(kind: PollAnnouncement['kind'], question: string): void {
    this.announcement = { seq: ++this.#seq, kind, question };
  }
}
