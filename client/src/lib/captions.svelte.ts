import type { CaptionLine, CaptionsServerEvents } from '../../../shared/captions.js';
import { CAPTION_LIMITS } from '../../../shared/captions.js';
import type { Result } from '../../../shared/errors.js';
import { command, getSocket } from './socket.js';

const STORAGE_KEY = 'roundtable.captions';

function storedChoice(): boolean {
  try {
    return localStorage.getItem(STORAGE_KEY) === 'on';
  } catch {
    return false;
  }
}

/**
 * The live captions of one town hall. Lines arrive whether or not this person shows them, so
 * turning captions on shows the recent lines at once; the choice is remembered on this device.
 */
export class CaptionsState {
  readonly townHallId: string;

  lines = $state.raw<CaptionLine[]>([]);
  shown = $state(storedChoice());

  constructor(townHallId: string) {
    this.townHallId = townHallId;
  }

  /** Follows the captions; `onJoined` is the Q&A room's hook that runs after each join. */
  start(onJoined: (listener: () => void) => () => void): () => void {
    const socket = getSocket();
    const onLine: CaptionsServerEvents['captions:line'] = ({ line }) => {
      if (line.townHallId === this.townHallId && !this.lines.some((l) => l.id === line.id)) this.#keep([...this.lines, line]);
    };
    socket.on('captions:line', onLine);
    const stopJoined = onJoined(() => void this.#join());
    return () => {
      stopJoined();
      socket.off('captions:line', onLine);
    };
  }

  toggle(): void {
    this.shown = !this.shown;
    try {
      localStorage.setItem(STORAGE_KEY, this.shown ? 'on' : 'off');
    } catch {
      // Private browsing may refuse storage; the choice then lasts for this visit only.
    }
  }

  async send(text: string): Promise<Result<CaptionLine>> {
    const result = await command('captions:send', { townHallId: this.townHallId, text });
    if (result.ok && !this.lines.some((l) => l.id === result.data.id)) this.#keep([...this.lines, result.data]);
    return result;
  }

  async #join(): Promise<void> {
    const result = await command('captions:join', { townHallId: this.townHallId });
    if (!result.ok) return;
    // Lines that came in while the snapshot was on its way are kept after it.
    const known = new Set(result.data.lines.map((l) => l.id));
    this.#keep([...result.data.lines, ...this.lines.filter((l) => !known.has(l.id))]);
  }

  #keep(lines: CaptionLine[]): void {
    this.lines = lines.slice(-CAPTION_LIMITS.recent);
  }
}
