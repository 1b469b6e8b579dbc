import { addMessages, getLocaleFromNavigator, init, locale } from 'svelte-i18n';
import en from './en.json';
import es from './es.json';

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
  addMessages('en', en);
  addMessages('es', es);
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
