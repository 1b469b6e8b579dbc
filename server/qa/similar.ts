// Similar questions while a resident types: one search index per town hall in this node's
// memory, built from the store on first use, kept current by this node's own changes, and
// read again from the store in the background when a lookup finds it older than `maxAgeMs`
// (that lookup still answers at once from the index it has), so changes made on other nodes
// show within about that time.
import { QaSimilar, type SimilarQuestion } from '../../shared/qa.js';
import type { Bind } from '../core/command.js';
import type { RateRule } from '../core/rate-limit.js';
import type { Pseudonyms } from '../identity/pseudonyms.js';
import type { QaBroadcast } from './broadcast.js';
import { isPublic, viewOf } from './rules.js';
import { SimilarityIndex } from './similar-index.js';
import type { Lang } from './similar-text.js';
import type { QuestionRecord, QuestionStore } from './store.js';

/** About three lookups a second while typing (the form waits for a pause), with room for bursts. */
export const SIMILAR_RATE = { name: 'qa:similar', points: 20, seconds: 10 } satisfies RateRule;

/** How old a town hall's index may be before a lookup reads the store again (other nodes' changes). */
export const SIMILAR_MAX_AGE_MS = 2000;
/** The same on the embedded store, where every change normally passes through the one node. */
export const SIMILAR_MAX_AGE_SQLITE_MS = 30_000;
/** An index unused this long is dropped: a town hall nobody is asking in costs no memory. */
const IDLE_MS = 10 * 60_000;
/** Drafts shorter than this (in characters) are not looked up: too few words to compare. */
const MIN_DRAFT = 8;
/**
 * Questions read into an index between two turns of the event loop: reading one takes about
 * 0.2 ms, so a first build of 2,000 is split into slices of about 20 ms rather than one stall.
 */
const BUILD_SLICE = 100;
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

interface Hall {
  index: SimilarityIndex;
  records: Map<string, QuestionRecord>;
  loadedAt: number;
  usedAt: number;
}

export interface SimilarQuestions {
  /** Up to three published questions of the town hall like `text`, best first, as the public sees them. */
  find(townHallId: string, text: string, hint?: Lang): Promise<SimilarQuestion[]>;
  /** Wraps the Q&A broadcast so every change this node makes reaches the index at once. */
  watch(broadcast: QaBroadcast): QaBroadcast;
  /** Reads a town hall's questions from the store into its index now (the benchmark times it). */
  refresh(townHallId: string): Promise<void>;
  /** Forgets every index (shutdown). */
  clear(): void;
}

export function createSimilarQuestions(deps: {
  questions: Pick<QuestionStore, 'listVisible'>;
  pseudonyms: Pseudonyms;
  maxAgeMs?: number;
  now?: () => number;
}): SimilarQuestions {
  const maxAgeMs = deps.maxAgeMs ?? SIMILAR_MAX_AGE_MS;
  const now = deps.now ?? Date.now;
  const halls = new Map<string, Hall>();
  // One read of the store per town hall at a time, however many residents type at once.
  const loading = new Map<string, Promise<Hall>>();

  const put = (hall: Hall, q: QuestionRecord) => {
    if (isPublic(q)) {
      hall.index.upsert(q.id, q.text);
      hall.records.set(q.id, q);
    } else {
      drop(hall, q.id);
    }
  };
  const drop = (hall: Hall, id: string) => {
    hall.index.remove(id);
    hall.records.delete(id);
  };

  async function refresh(townHallId: string): Promise<Hall> {
    const list = await deps.questions.listVisible(townHallId);
    const hall = halls.get(townHallId) ?? { index: new SimilarityIndex(), records: new Map(), loadedAt: 0, usedAt: now() };
    const seen = new Set<string>();
    let read = 0;
    for (const q of list) {
      if (!isPublic(q)) continue;
      seen.add(q.id);
      if (!hall.index.has(q.id) && ++read % BUILD_SLICE === 0) await nextTurn();
      put(hall, q);
    }
    for (const id of [...hall.records.keys()]) if (!seen.has(id)) drop(hall, id);
    hall.loadedAt = now();
    halls.set(townHallId, hall);
    return hall;
  }

  function reload(townHallId: string): Promise<Hall> {
    let pending = loading.get(townHallId);
    if (!pending) {
      pending = refresh(townHallId).finally(() => loading.delete(townHallId));
      loading.set(townHallId, pending);
    }
    return pending;
  }

  function current(townHallId: string): Promise<Hall> {
    const hall = halls.get(townHallId);
    if (!hall) return reload(townHallId);
    // A failed re-read keeps the index as it was; the next lookup tries again.
    if (now() - hall.loadedAt >= maxAgeMs) reload(townHallId).catch(() => undefined);
    return Promise.resolve(hall);
  }

  function sweep(): void {
    const t = now();
    for (const [id, hall] of halls) if (t - hall.usedAt > IDLE_MS) halls.delete(id);
  }

  return {
    async find(townHallId, text, hint) {
      if ([...text.trim()].length < MIN_DRAFT) return [];
      sweep();
      const hall = await current(townHallId);
      hall.usedAt = now();
      return hall.index.search(text, hint ? { hint } : {}).flatMap(({ id, score }) => {
        const q = hall.records.get(id);
        return q ? [{ question: viewOf(q, 'public', deps.pseudonyms(q.authorId, q.townHallId)), score }] : [];
      });
    },
    watch(broadcast) {
      // Only town halls someone has looked up in have an index to keep; others are built on first use.
      const known = (q: QuestionRecord) => halls.get(q.townHallId);
      return {
        changed(q, authorReviews) {
          broadcast.changed(q, authorReviews);
          const hall = known(q);
          if (hall) put(hall, q);
        },
        removed(q, wasPublic) {
          broadcast.removed(q, wasPublic);
          const hall = known(q);
          if (hall) drop(hall, q.id);
        },
        hidden(q) {
          broadcast.hidden(q);
          const hall = known(q);
          if (hall) drop(hall, q.id);
        },
      };
    },
    async refresh(townHallId) {
      await reload(townHallId);
    },
    clear() {
      halls.clear();
    },
  };
}

/** Binds `qa:similar`: any joined member of the town hall, rate-limited, read-only. */
export function bindSimilar(bind: Bind, similar: SimilarQuestions): void {
  bind('qa:similar', {
    schema: QaSimilar,
    townHall: (input) => input.townHallId,
    limit: SIMILAR_RATE,
    run: (_ctx, { townHallId, text, locale }) => similar.find(townHallId, text, locale),
  });
}
