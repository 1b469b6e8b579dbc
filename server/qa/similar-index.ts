// An in-memory search index over one town hall's questions: TF-IDF weighted cosine similarity
// over the terms similar-text.ts reads. Pure (no I/O): similar.ts keeps one per town hall and
// keeps it fresh.
import { analyse, type Lang, type Terms } from './similar-text.js';

export interface Match {
  id: string;
  /** Cosine similarity in [0, 1]: 1 is the same words, 0 none in common. */
  score: number;
}

/**
 * The score from which two questions are taken to ask the same thing. Chosen on the examples in
 * tests/unit/similar.test.ts: rephrasings of one question score 0.47–1 there; questions that
 * share a street, a common word or an opening with another stay under 0.33. Words are compared,
 * not meanings: a question that shares a rare street name and little else can still be offered
 * ("trash on calle Olmo" beside "patrols on calle Olmo" scores 0.48), which costs the asker a
 * glance at a suggestion.
 */
export const SAME_QUESTION = 0.35;

interface Doc {
  text: string;
  terms: Terms;
}

export class SimilarityIndex {
  readonly #docs = new Map<string, Doc>();
  /** For each term, the questions that use it (its size is the term's document frequency). */
  readonly #postings = new Map<string, Set<string>>();
  /**
   * Each question's vector length, computed when first needed. Weights depend on every
   * question (document frequencies), so any change clears them all; between changes, lookups
   * reuse them.
   */
  readonly #norms = new Map<string, number>();

  get size(): number {
    return this.#docs.size;
  }

  has(id: string): boolean {
    return this.#docs.has(id);
  }

  ids(): IterableIterator<string> {
    return this.#docs.keys();
  }

  /** Adds a question, or reads it again if its text changed; the same text again costs nothing. */
  upsert(id: string, text: string): void {
    const known = this.#docs.get(id);
    if (known?.text === text) return;
    if (known) this.remove(id);
    this.#norms.clear();
    const { terms } = analyse(text);
    this.#docs.set(id, { text, terms });
    for (const term of terms.keys()) {
      let ids = this.#postings.get(term);
      if (!ids) this.#postings.set(term, (ids = new Set()));
      ids.add(id);
    }
  }

  remove(id: string): void {
    const doc = this.#docs.get(id);
    if (!doc) return;
    this.#norms.clear();
    this.#docs.delete(id);
    for (const term of doc.terms.keys()) {
      const ids = this.#postings.get(term);
      ids?.delete(id);
      if (ids?.size === 0) this.#postings.delete(term);
    }
  }

  /**
   * The questions most like `text`, best first, at most `limit`, each scoring at least
   * `minScore`. Only questions sharing a term with the text are scored, so the cost follows
   * how common its words are rather than how many questions there are.
   */
  search(text: string, opts: { hint?: Lang; limit?: number; minScore?: number; exclude?: ReadonlySet<string> } = {}): Match[] {
    const { limit = 3, minScore = SAME_QUESTION } = opts;
    const { terms } = analyse(text, opts.hint);
    if (terms.size === 0 || this.#docs.size === 0) return [];
    const idf = (term: string) => Math.log((this.#docs.size + 1) / ((this.#postings.get(term)?.size ?? 0) + 1)) + 1;
    const normOf = (id: string) => {
      let norm = this.#norms.get(id);
      if (norm === undefined) {
        norm = 0;
        for (const [term, tf] of this.#docs.get(id)!.terms) norm += (tf * idf(term)) ** 2;
        this.#norms.set(id, norm);
      }
      return norm;
    };

    let queryNorm = 0;
    const dots = new Map<string, number>();
    for (const [term, tf] of terms) {
      const weight = idf(term);
      const w = tf * weight;
      queryNorm += w * w;
      for (const id of this.#postings.get(term) ?? []) {
        const docTf = this.#docs.get(id)!.terms.get(term)!;
        dots.set(id, (dots.get(id) ?? 0) + w * docTf * weight);
      }
    }
    const matches: Match[] = [];
    for (const [id, dot] of dots) {
      if (opts.exclude?.has(id)) continue;
      const score = dot / Math.sqrt(queryNorm * normOf(id));
      if (score >= minScore) matches.push({ id, score: Math.round(score * 1000) / 1000 });
    }
    return matches.sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1)).slice(0, limit);
  }
}
