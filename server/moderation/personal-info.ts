// The personal-information screen as the entrance uses it: the shared detector, less the
// department's own public numbers and addresses, which admins keep in the site settings.
import { personalInfoKinds, type PersonalInfoKind } from '../../shared/personal-info.js';

/** How long a node trusts its copy of the allow-list when no change has reached it. */
export const ALLOW_LIST_TTL_MS = 5_000;

export interface PersonalInfoScreen {
  /** The kinds of personal information the text holds, each once; empty when there is none. */
  kinds(text: string): Promise<PersonalInfoKind[]>;
  /** Reads the allow-list again on the next screen (an admin changed it). */
  forget(): void;
}

/**
 * `allowed` reads the department's allow-list. It is read at most once per `ttlMs` (so a crowd's
 * messages cost no store read each), and again at once after `forget`; a failed read is not kept.
 */
export function createPersonalInfoScreen(allowed: () => Promise<readonly string[]>, ttlMs = ALLOW_LIST_TTL_MS): PersonalInfoScreen {
  let cached: { at: number; list: Promise<readonly string[]> } | null = null;
  const current = () => {
    const now = Date.now();
    if (!cached || now - cached.at > ttlMs) {
      const list = allowed();
      const entry = { at: now, list };
      cached = entry;
      list.catch(() => {
        if (cached === entry) cached = null;
      });
    }
    return cached.list;
  };
  return {
    async kinds(text) {
      return personalInfoKinds(text, await current());
    },
    forget() {
      cached = null;
    },
  };
}
