import { addMessages, getLocaleFromNavigator, init, locale } from 'svelte-i18n';

type LocaleDictionary = Parameters<typeof addMessages>[1];

// One catalogue per feature and language (`en.json`, `forum.en.json`, …), so features add
// strings without touching each other's files; svelte-i18n merges them per language.
const catalogues = import.meta.glob<{ default: LocaleDictionary }>('./*.json', { eager: true });

export const LANGUAGES = [
  { code: 'en', name: 'English' },
  { code: 'es', name: 'Español' },
] as const;
export type Language = (typeof LANGUAGES)[number]['code'];

const STORAGE_KEY = 'roundtable.language';

const supported = (code: string | null | undefined): Language | null => {
  const base = code?.toLowerCase().split('-')[0];
  return LANGUAGES.find((l) => l.code === base)?.code ?? null;
};

function stored(): string | null {
  try {
    return localStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

export function setupI18n(): void {
  for (const [file, module] of Object.entries(catalogues)) {
    const language = /(?:^|[./])(\w+)\.json$/.exec(file)?.[1];
    if (language && supported(language) === language) addMessages(language, module.default);
  }
  init({
    fallbackLocale: 'en',
    initialLocale: supported(stored()) ?? supported(getLocaleFromNavigator()) ?? 'en',
  });
  // Screen readers pick their voice from <html lang>, so it follows the interface language.
  locale.subscribe((code) => {
    if (code) document.documentElement.lang = code;
  });
}

/** Switches the interface language and remembers the choice on this device. */
export function setLanguage(code: Language): void {
  void locale.set(code);
  try {
    localStorage.setItem(STORAGE_KEY, code);
  } catch {
    // Private browsing may refuse storage; the choice then lasts for this visit only.
  }
}

export { supported as supportedLanguage };
