import { Filter } from 'bad-words';
import {
  DataSet,
  RegExpMatcher,
  englishDataset,
  englishRecommendedTransformers,
  parseRawPattern,
} from 'obscenity';
import type { FilterHit } from '../../shared/moderation.js';

export interface WordFilter {
  /** Every hit in the text, at most one per (source, term). Empty means clean. */
  check(text: string): FilterHit[];
}

// Department entries are matched as whole words by bad-words and, through obscenity's
// transformers, also in their obfuscated forms (l33t, repeated letters, inserted symbols).
const WORD_CHARS = /^[\p{L}\p{N}' -]+$/u;

/**
 * The word filter: obscenity (catches obfuscations such as `f*ck` or `fuuuuck`), bad-words'
 * English list, and the department's own list.
 */
export function createWordFilter(departmentWords: string[] = []): WordFilter {
  const obscene = new RegExpMatcher({ ...englishDataset.build(), ...englishRecommendedTransformers });
  const badWords = new Filter();
  const ownWords = departmentWords.map((w) => w.trim().toLowerCase()).filter((w) => w.length > 1 && WORD_CHARS.test(w));
  const department = new Filter({ emptyList: true });
  if (ownWords.length) department.addWords(...ownWords);
  const ownDataset = new DataSet<{ originalWord: string }>();
  for (const word of ownWords) {
    ownDataset.addPhrase((p) => p.setMetadata({ originalWord: word }).addPattern(parseRawPattern(word)));
  }
  const ownObfuscated = ownWords.length
    ? new RegExpMatcher({ ...ownDataset.build(), ...englishRecommendedTransformers })
    : null;

  return {
    check(text) {
      const hits = new Map<string, FilterHit>();
      const add = (hit: FilterHit) => hits.set(`${hit.source}:${hit.term}`, hit);
      for (const match of obscene.getAllMatches(text, true)) {
        const term = englishDataset.getPayloadWithPhraseMetadata(match).phraseMetadata?.originalWord;
        add({ source: 'obscenity', term: term ?? 'profanity' });
      }
      for (const word of text.split(/[\s.,;:!?()"]+/)) {
        if (!word) continue;
        if (badWords.isProfane(word)) add({ source: 'bad-words', term: word.toLowerCase() });
        if (ownWords.length && department.isProfane(word)) add({ source: 'department', term: word.toLowerCase() });
      }
      if (ownObfuscated) {
        for (const match of ownObfuscated.getAllMatches(text, true)) {
          const term = ownDataset.getPayloadWithPhraseMetadata(match).phraseMetadata?.originalWord;
          if (term) add({ source: 'department', term });
        }
      }
      return [...hits.values()];
    },
  };
}
