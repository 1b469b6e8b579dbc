import type { Result } from '../../../shared/errors.js';
import { NOT_RECORDING, type RecordingServerEvents, type RecordingState as Recording } from '../../../shared/recording.js';
import { command, getSocket } from './socket.js';
import type { TownHallRoom } from './townhall-room.svelte.js';

/** Whether one town hall is being recorded now (everyone is told), and the host's start and stop. */
export class RecordingState {
  readonly townHallId: string;

  state = $state.raw<Recording>(NOT_RECORDING);

  constructor(townHallId: string) {
    this.townHallId = townHallId;
  }

  /** Follows the room: the state comes with each join (its `recording` part) and every change after. */
  start(room: TownHallRoom): () => void {
    const socket = getSocket();
    const onChanged: RecordingServerEvents['recording:changed'] = ({ townHallId, state }) => {
      if (townHallId === this.townHallId) room.whenJoined(() => (this.state = state));
    };
    socket.on('recording:changed', onChanged);
    const detach = room.attach({ joined: (snapshot) => (this.state = snapshot.recording ?? NOT_RECORDING) });
    return () => {
      detach();
      socket.off('recording:changed', onChanged);
    };
  }

  async toggle(): Promise<Result<Recording>> {
    const name = this.state.recording ? 'recording:stop' : 'recording:start';
    const result = await command(name, { townHallId: this.townHallId });
    if (result.ok) this.state = result.data;
    return result;
  }
}
