// The author's side of personal-information screening: the same detector the server holds
// content with, less the department's allowed numbers and addresses (read once per page).
import { personalInfoKinds, type PersonalInfoKind } from '../../../shared/personal-info.js';
import type { HoldReason } from '../../../shared/moderation.js';
import { request } from './api.js';

/** What the author writes: a question, a chat message, a forum post, a word-cloud answer. */
export type WritingContext = 'question' | 'chat' | 'post' | 'answer';

type Translate = (id: string, options?: { values?: Record<string, string | number> }) => string;

class AllowedPersonalInfo {
  list = $state.raw<readonly string[]>([]);
  #loading: Promise<void> | null = null;

  /** Reads the list once; a failed read is tried again by the next composer that opens. */
  load(): Promise<void> {
    this.#loading ??= request<{ allowed: string[] }>('GET', '/api/settings/allowed-personal-info').then((result) => {
      if (result.ok) this.list = result.data.allowed;
      else this.#loading = null;
    });
    return this.#loading;
  }

  kinds(text: string): PersonalInfoKind[] {
    return personalInfoKinds(text, this.list);
  }
}

export const allowedPersonalInfo = new AllowedPersonalInfo();

/** "a phone number and a street address", in the interface's language. */
export function describeKinds(t: Translate, locale: string | null | undefined, kinds: readonly PersonalInfoKind[]): string {
  const names = kinds.map((k) => t(`screening.kind.${k}`));
  return new Intl.ListFormat(locale ?? 'en', { type: 'conjunction' }).format(names);
}

/** What the author is told about their own held item, or null when it was held for another reason. */
export function heldForPersonalInfo(t: Translate, locale: string | null | undefined, holdReason: HoldReason | null | undefined, text: string): string | null {
  if (holdReason !== 'personal-information') return null;
  const kinds = allowedPersonalInfo.kinds(text);
  return kinds.length ? t('screening.held', { values: { what: describeKinds(t, locale, kinds) } }) : t('screening.heldGeneric');
}
