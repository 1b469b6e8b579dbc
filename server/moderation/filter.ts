import { Filter } from 'bad-words';
import {
  DataSet,
  RegExpMatcher,
  englishDataset,
  englishRecommendedTransformers,
  parseRawPattern,
} from 'obscenity';
import type { FilterAction, FilterHit } from '../../shared/moderation.js';

/** A department entry: a word or phrase and what to do with content that contains it. */
export interface FilterRule {
  term: string;
  action: FilterAction;
}

export interface FilterMatch extends FilterHit {
  /** The public lists always hold; department entries say what they do. */
  action: FilterAction;
}

export interface WordFilter {
  /** Every match in the text, at most one per (source, term). Empty means clean. */
  check(text: string): FilterMatch[];
  /** The text with every `mask` entry (in any obfuscated form) replaced by asterisks. */
  mask(text: string): string;
}

/**
 * bad-words' English list as one pattern, compiled once. Its own `isProfane` compiles a regular
 * expression for each of its ~900 entries on every call, which under a crowd took a quarter of
 * the server's time; this answers exactly the same (an entry standing as a whole word, any case).
 */
const BAD_WORDS = new RegExp(`\\b(?:${new Filter().list.map((w) => w.replace(/(\W)/g, '\\$1')).join('|')})\\b`, 'i');

// Department entries are plain words or phrases; anything else would be read as pattern syntax.
const PLAIN = /^[\p{L}\p{N}' -]+$/u;

function departmentMatcher(rules: FilterRule[]) {
  if (rules.length === 0) return null;
  const dataset = new DataSet<{ originalWord: string }>();
  for (const { term } of rules) {
    // |…| anchors at word boundaries, so "pig" does not match "pigeon"; obscenity's
    // transformers still catch "p1g" or "piiig".
    dataset.addPhrase((p) => p.setMetadata({ originalWord: term }).addPattern(parseRawPattern(`|${term}|`)));
  }
  const built = dataset.build();
  return {
    matcher: new RegExpMatcher({ ...built, ...englishRecommendedTransformers }),
    termOf: (match: Parameters<typeof dataset.getPayloadWithPhraseMetadata>[0]) =>
      dataset.getPayloadWithPhraseMetadata(match).phraseMetadata?.originalWord,
  };
}

/**
 * The word filter: obscenity (which catches obfuscations such as `f*ck` or `fuuuuck`) and
 * bad-words' English list, both holding for review, plus the department's own entries, each
 * of which holds, blocks or masks.
 */
export function createWordFilter(departmentRules: FilterRule[] = []): WordFilter {
  const obscene = new RegExpMatcher({ ...englishDataset.build(), ...englishRecommendedTransformers });
  const rules = departmentRules
    .map((r) => ({ term: r.term.trim().toLowerCase(), action: r.action }))
    .filter((r) => r.term.length > 1 && PLAIN.test(r.term));
  const actionOf = new Map(rules.map((r) => [r.term, r.action]));
  const department = departmentMatcher(rules);
  const masked = departmentMatcher(rules.filter((r) => r.action === 'mask'));

  return {
    check(text) {
      const hits = new Map<string, FilterMatch>();
      const add = (hit: FilterMatch) => hits.set(`${hit.source}:${hit.term}`, hit);
      for (const match of obscene.getAllMatches(text, true)) {
        const term = englishDataset.getPayloadWithPhraseMetadata(match).phraseMetadata?.originalWord;
        add({ source: 'obscenity', term: term ?? 'profanity', action: 'hold' });
      }
      for (const word of text.split(/[\s.,;:!?()"]+/)) {
        const term = word.toLowerCase();
        // One word caught by both public lists is one hit for the moderator to read.
        if (word && !hits.has(`obscenity:${term}`) && BAD_WORDS.test(word)) add({ source: 'bad-words', term, action: 'hold' });
      }
      for (const match of department?.matcher.getAllMatches(text, true) ?? []) {
        const term = department!.termOf(match);
        if (term) add({ source: 'department', term, action: actionOf.get(term) ?? 'hold' });
      }
      return [...hits.values()];
    },
    mask(text) {
      if (!masked) return text;
      // obscenity reports UTF-16 indices (end inclusive), so mask code units.
      const units = text.split('');
      for (const m of masked.matcher.getAllMatches(text)) {
        for (let i = m.startIndex; i <= m.endIndex; i++) if (!/\s/.test(units[i] ?? '')) units[i] = '*';
      }
      return units.join('');
    },
  };
}
