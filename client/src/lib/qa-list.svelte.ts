// How this person chose to read a town hall's questions: which topic, in which order. Local UI
// state over the room's derived lists (qa-room.svelte.ts), which stay as the server sent them.
import type { QuestionView } from '../../../shared/qa.js';
import type { Topic } from '../../../shared/topics.js';
import type { QaRoomState } from './qa-room.svelte.js';

export const SORTS = ['popular', 'recent', 'answered'] as const;
export type QaSort = (typeof SORTS)[number];

const byNewest = (a: QuestionView, b: QuestionView): number => b.createdAt - a.createdAt || (a.id < b.id ? 1 : -1);

export class QaListView {
  readonly #roomOf: () => QaRoomState;
  /** Popular: most upvoted first (the live ranking); recent: newest first; answered: the answered ones. */
  sort = $state<QaSort>('popular');
  /** The topic to show, or null for every question. */
  topicId = $state<string | null>(null);

  /** `room` is read on each use, so the view follows the panel's room if it is replaced. */
  constructor(room: () => QaRoomState) {
    this.#roomOf = room;
  }

  get #room(): QaRoomState {
    return this.#roomOf();
  }

  readonly #matches = (q: QuestionView): boolean => this.topicId === null || q.topicId === this.topicId;

  /** The main list: unanswered questions in the chosen order, or the answered ones. */
  readonly listed: QuestionView[] = $derived.by(() => {
    if (this.sort === 'answered') return this.#room.answered.filter(this.#matches);
    const open = this.#room.open.filter(this.#matches);
    return this.sort === 'recent' ? [...open].sort(byNewest) : open;
  });

  /** The answered list shown below the main one (none while the main list is the answered one). */
  readonly answered: QuestionView[] = $derived.by(() => (this.sort === 'answered' ? [] : this.#room.answered.filter(this.#matches)));

  /** Topics worth offering in the filter: those not retired, and retired ones still on a question. */
  readonly topics: Topic[] = $derived.by(() => {
    const used = new Set(this.#room.questions.map((q) => q.topicId));
    return this.#room.topics.filter((t) => !t.retired || used.has(t.id));
  });

  /** The topic's label by id, for the cards (retired topics keep their name). */
  topicName(id: string | null | undefined, locale: string): string | null {
    const topic = id ? this.#room.topics.find((t) => t.id === id) : undefined;
    if (!topic) return null;
    return locale.startsWith('es') ? topic.name.es : topic.name.en;
  }
}
