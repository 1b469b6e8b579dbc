import type { BackchannelMessage } from '../../../shared/backchannel.js';
import type { Result } from '../../../shared/errors.js';
import { command, getSocket } from './socket.js';
import type { TownHallRoom } from './townhall-room.svelte.js';

/** How many messages the page keeps on screen; the server sends at most 100 on joining. */
const KEPT = 300;

/**
 * The staff backchannel of one town hall, for its crew. Its part of every join is null for
 * anyone else (`available` false), and its facts never reach them.
 */
export class BackchannelState {
  readonly townHallId: string;

  messages = $state.raw<BackchannelMessage[]>([]);
  /** Whether this person is on the crew of this town hall (the server says so with the snapshot). */
  available = $state.raw(false);
  constructor(townHallId: string) {
    this.townHallId = townHallId;
  }

  start(room: TownHallRoom): () => void {
    const socket = getSocket();
    const onPosted = ({ message }: { message: BackchannelMessage }) => {
      if (message.townHallId !== this.townHallId) return;
      room.whenJoined(() => this.#upsert(message));
    };
    socket.on('backchannel:posted', onPosted);
    const detach = room.attach({
      joined: (snapshot) => {
        this.available = snapshot.backchannel !== null;
        this.messages = snapshot.backchannel?.messages ?? [];
      },
    });
    return () => {
      detach();
      socket.off('backchannel:posted', onPosted);
    };
  }

  async send(text: string): Promise<Result<BackchannelMessage>> {
    const result = await command('backchannel:send', { townHallId: this.townHallId, text });
    if (result.ok) this.#upsert(result.data);
    return result;
  }

  /** Adds a message not yet shown (its fact and the acknowledgement both bring the sender's). */
  #upsert(message: BackchannelMessage): void {
    if (this.messages.some((m) => m.id === message.id)) return;
    const next = [...this.messages, message];
    this.messages = next.length > KEPT ? next.slice(next.length - KEPT) : next;
  }
}
