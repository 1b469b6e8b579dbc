// The parts of @nlpjs's language packs that similar-text.ts uses (the packages ship no types).
declare module '@nlpjs/lang-en-min' {
  export class NormalizerEn { normalize(text: string): string }
  export class TokenizerEn { tokenize(text: string, normalize?: boolean): string[] }
  export class StemmerEn { stemWord(word: string): string }
  export class StopwordsEn { isStopword(word: string): boolean }
}
declare module '@nlpjs/lang-es' {
  export class NormalizerEs { normalize(text: string): string }
  export class TokenizerEs { tokenize(text: string, normalize?: boolean): string[] }
  export class StemmerEs { stemWord(word: string): string }
  export class StopwordsEs { isStopword(word: string): boolean }
}
