// Pure text rules for finding questions that ask the same thing: which language a question is
// in, and the terms it is compared by. Normalising, tokenising, stop words and stemming are
// @nlpjs's (its English and Spanish language packs), not ours.
import { NormalizerEn, StemmerEn, StopwordsEn, TokenizerEn } from '@nlpjs/lang-en-min';
import { NormalizerEs, StemmerEs, StopwordsEs, TokenizerEs } from '@nlpjs/lang-es';

export type Lang = 'en' | 'es';

interface Analyser {
  normalizer: { normalize(text: string): string };
  tokenizer: { tokenize(text: string, normalize?: boolean): string[] };
  stemmer: { stemWord(word: string): string };
  stopwords: { isStopword(word: string): boolean };
  /** Street-address abbreviations residents type, read as the word (the stemmer cannot know them). */
  abbreviations: Record<string, string>;
}

const ANALYSERS: Record<Lang, Analyser> = {
  en: {
    normalizer: new NormalizerEn(),
    tokenizer: new TokenizerEn(),
    stemmer: new StemmerEn(),
    stopwords: new StopwordsEn(),
    abbreviations: { st: 'street', ave: 'avenue', av: 'avenue', rd: 'road', blvd: 'boulevard', hwy: 'highway', pd: 'police', cops: 'police', cop: 'police' },
  },
  es: {
    normalizer: new NormalizerEs(),
    tokenizer: new TokenizerEs(),
    stemmer: new StemmerEs(),
    stopwords: new StopwordsEs(),
    abbreviations: { c: 'calle', av: 'avenida', avda: 'avenida', ctra: 'carretera' },
  },
};

// Marks that only Spanish uses; the normalisers strip accents, so they are looked for first.
const SPANISH_MARKS = /[¿¡ñÑ]|[áéíóúÁÉÍÓÚ]/;

/**
 * The language a question is written in: the one whose stop words it uses more (Spanish marks
 * count too); on a tie, the page's language, else English. Questions in one town hall can be
 * in either language, so each is judged on its own.
 */
export function detectLanguage(text: string, hint?: Lang): Lang {
  const tokens = ANALYSERS.en.tokenizer.tokenize(ANALYSERS.en.normalizer.normalize(text), false);
  let en = 0;
  let es = SPANISH_MARKS.test(text) ? 2 : 0;
  for (const token of tokens) {
    if (ANALYSERS.en.stopwords.isStopword(token)) en += 1;
    if (ANALYSERS.es.stopwords.isStopword(token)) es += 1;
  }
  if (es !== en) return es > en ? 'es' : 'en';
  return hint ?? 'en';
}

/** A text's terms (stems of the words that carry meaning) with how often each occurs. */
export type Terms = Map<string, number>;

export function termsOf(text: string, lang: Lang): Terms {
  const a = ANALYSERS[lang];
  const terms: Terms = new Map();
  for (const token of a.tokenizer.tokenize(a.normalizer.normalize(text), false)) {
    if (a.stopwords.isStopword(token)) continue;
    const word = a.abbreviations[token] ?? token;
    if (word.length < 2 && !/\d/.test(word)) continue;
    const term = a.stemmer.stemWord(word);
    terms.set(term, (terms.get(term) ?? 0) + 1);
  }
  return terms;
}

/** Detects the language and reads the terms in one go. */
export function analyse(text: string, hint?: Lang): { lang: Lang; terms: Terms } {
  const lang = detectLanguage(text, hint);
  return { lang, terms: termsOf(text, lang) };
}
