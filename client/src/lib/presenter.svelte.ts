import type { AppError } from '../../../shared/errors.js';
import type { PresenterView } from '../../../shared/presenter.js';
import { command } from './socket.js';

/** A new hall code is issued every ten minutes and each is accepted for twenty: reading every five keeps the screen's valid. */
const REFRESH_MS = 5 * 60_000;

/**
 * What the presenter screen reads besides the room: the hall code, which the server gives a
 * live town hall's hosts only. `error` holds the refusal (FORBIDDEN, or CONFLICT when the town
 * hall is not live) for the page to explain.
 */
export class PresenterState {
  readonly townHallId: string;
  view = $state.raw<PresenterView | null>(null);
  error = $state.raw<AppError | null>(null);

  constructor(townHallId: string) {
    this.townHallId = townHallId;
  }

  async load(): Promise<void> {
    const result = await command('townhall:present', { townHallId: this.townHallId });
    if (result.ok) {
      this.view = result.data;
      this.error = null;
    } else if (result.error.code !== 'UNAVAILABLE') {
      // Nothing of a refused screen stays up: a code shown for a town hall that ended would mislead.
      this.view = null;
      this.error = result.error;
    }
  }

  /** Reads now and every few minutes until the returned function is called. */
  follow(): () => void {
    void this.load();
    const timer = setInterval(() => void this.load(), REFRESH_MS);
    return () => clearInterval(timer);
  }
}
