import type { AppError, Result } from '../../../shared/errors.js';
import type { AdvanceResult } from '../../../shared/presenter.js';
import type { QaRoomState } from './qa-room.svelte.js';
import { command } from './socket.js';

const LETTER_KEY_STORAGE = 'roundtable.nextQuestionLetterKey';

/** Where keys belong to what has focus: fields, and widgets that use the arrow keys themselves. */
const OWNS_KEYS =
  'input, textarea, select, [contenteditable]:not([contenteditable="false"]), [role="textbox"], [role="combobox"], [role="listbox"], [role="radiogroup"], [role="radio"], [role="slider"], [role="spinbutton"], [role="tablist"], [role="menu"], [role="grid"]';

export function ownsKeys(target: EventTarget | null): boolean {
  return target instanceof Element && target.closest(OWNS_KEYS) !== null;
}

/**
 * Whether a key press asks for the next question: → always, N only while the letter shortcut is
 * on (WCAG 2.1.4: a one-letter shortcut must be possible to turn off). Never while typing or
 * using a widget that takes arrow keys, never with a modifier, never on a held key's repeats.
 */
export function isNextQuestionKey(event: KeyboardEvent, letterKey: boolean): boolean {
  if (event.defaultPrevented || event.repeat || event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return false;
  if (ownsKeys(event.target)) return false;
  return event.key === 'ArrowRight' || (letterKey && (event.key === 'n' || event.key === 'N'));
}

function storedLetterKey(): boolean {
  try {
    return localStorage.getItem(LETTER_KEY_STORAGE) !== 'off';
  } catch {
    return true;
  }
}

export type AdvanceOutcome =
  | { seq: number; kind: 'advanced'; result: AdvanceResult }
  | { seq: number; kind: 'failed'; error: AppError };

/**
 * A host's "next question", from a button or the keyboard, on the presenter screen and on the
 * host's page. It sends the question this screen shows as being answered, so a press made on a
 * screen that was behind (another host moved on first) changes nothing.
 */
export class NextQuestion {
  readonly #qa: QaRoomState;
  busy = $state(false);
  outcome = $state.raw<AdvanceOutcome | null>(null);
  /** Whether N also moves on (→ always does); remembered on this device. */
  letterKey = $state(storedLetterKey());
  #seq = 0;

  constructor(qa: QaRoomState) {
    this.#qa = qa;
  }

  /** Something to move on to: a question being answered, or one waiting. */
  get possible(): boolean {
    return this.#qa.answeringNow.length > 0 || this.#qa.open.length > 0;
  }

  async advance(): Promise<Result<AdvanceResult> | null> {
    if (this.busy) return null;
    this.busy = true;
    const result = await command('qa:advance', {
      townHallId: this.#qa.townHallId,
      current: this.#qa.answeringNow[0]?.id ?? null,
    });
    this.busy = false;
    this.outcome = result.ok
      ? { seq: ++this.#seq, kind: 'advanced', result: result.data }
      : { seq: ++this.#seq, kind: 'failed', error: result.error };
    return result;
  }

  setLetterKey(on: boolean): void {
    this.letterKey = on;
    try {
      localStorage.setItem(LETTER_KEY_STORAGE, on ? 'on' : 'off');
    } catch {
      // Private browsing may refuse storage; the choice then lasts for this visit.
    }
  }

  /** Listens for the keys on the whole window until the returned function is called. */
  listen(): () => void {
    const onKey = (event: KeyboardEvent) => {
      if (!isNextQuestionKey(event, this.letterKey)) return;
      event.preventDefault();
      void this.advance();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }
}
