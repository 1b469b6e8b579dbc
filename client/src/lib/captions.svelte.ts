import type { CaptionLine, CaptionsServerEvents } from '../../../shared/captions.js';
import { CAPTION_LIMITS, CaptionLanguage } from '../../../shared/captions.js';
import type { Result } from '../../../shared/errors.js';
import { command, getSocket } from './socket.js';
import type { TownHallRoom } from './townhall-room.svelte.js';

const STORAGE_KEY = 'roundtable.captions';
const LANGUAGE_KEY = 'roundtable.captionLanguage';

function storedChoice(): boolean {
  try {
    return localStorage.getItem(STORAGE_KEY) === 'on';
  } catch {
    return false;
  }
}

function storedLanguage(): string | null {
  try {
    const stored = localStorage.getItem(LANGUAGE_KEY);
    return stored !== null && CaptionLanguage.safeParse(stored).success ? stored : null;
  } catch {
    return null;
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
  /** The language a captioner on this device types in; null until they choose (their interface language then). */
  language = $state<string | null>(storedLanguage());

  constructor(townHallId: string) {
    this.townHallId = townHallId;
  }

  /** Follows the captions of the room: the recent lines come with each join (its `captions` part). */
  start(room: TownHallRoom): () => void {
    const socket = getSocket();
    const onLine: CaptionsServerEvents['captions:line-added'] = ({ line }) => {
      if (line.townHallId !== this.townHallId) return;
      room.whenJoined(() => {
        if (!this.lines.some((l) => l.id === line.id)) this.#keep([...this.lines, line]);
      });
    };
    socket.on('captions:line-added', onLine);
    const detach = room.attach({ joined: (snapshot) => this.#keep(snapshot.captions.lines) });
    return () => {
      detach();
      socket.off('captions:line-added', onLine);
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

  chooseLanguage(code: string): void {
    this.language = code;
    try {
      localStorage.setItem(LANGUAGE_KEY, code);
    } catch {
      // As with the toggle: remembered for this visit only.
    }
  }

  async send(text: string, lang: string): Promise<Result<CaptionLine>> {
    const result = await command('captions:send', { townHallId: this.townHallId, text, lang });
    if (result.ok && !this.lines.some((l) => l.id === result.data.id)) this.#keep([...this.lines, result.data]);
    return result;
  }

  #keep(lines: CaptionLine[]): void {
    this.lines = lines.slice(-CAPTION_LIMITS.recent);
  }
}
