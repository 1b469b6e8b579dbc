// The tiles of the stage, from the streams a page receives and sends: one per person's camera
// (or a name card when they only speak) and one per shared screen, largest first.
import type { MediaSource } from '../../../shared/media.js';

interface Stream {
  producer: { userId: string; displayName: string; staff: boolean; kind: 'audio' | 'video'; source: MediaSource; paused: boolean };
  track: MediaStreamTrack | null;
  consumerId: string | null;
  simulcast: boolean;
}

interface Sent {
  camera: MediaStreamTrack | null;
  microphone: MediaStreamTrack | null;
  screen: MediaStreamTrack | null;
  micMuted: boolean;
}

export interface Tile {
  key: string;
  userId: string;
  /** Null for this person's own preview ("You"). */
  displayName: string | null;
  staff: boolean;
  source: 'camera' | 'screen';
  track: MediaStreamTrack | null;
  videoPaused: boolean;
  /** Null when the person sends no sound on this tile. */
  micMuted: boolean | null;
  /** The simulcast consumer whose layer follows this tile's width. */
  layeredConsumerId: string | null;
  local: boolean;
  speaking: boolean;
}

/** Screens first (they carry slides), then officers, then residents on stage, then oneself. */
const rank = (tile: Tile): number => (tile.local ? 3 : tile.source === 'screen' ? 0 : tile.staff ? 1 : 2);

export function buildTiles(remote: Stream[], local: Sent, meId: string, activeSpeaker: string | null): Tile[] {
  const tiles = new Map<string, Tile>();
  for (const stream of remote) {
    const { producer } = stream;
    const source = producer.source === 'screen' ? 'screen' : 'camera';
    const key = `${producer.userId}:${source}`;
    const tile = tiles.get(key) ?? {
      key,
      userId: producer.userId,
      displayName: producer.displayName,
      staff: producer.staff,
      source,
      track: null,
      videoPaused: false,
      micMuted: null,
      layeredConsumerId: null,
      local: false,
      speaking: source === 'camera' && producer.userId === activeSpeaker,
    };
    if (producer.kind === 'video') {
      tile.track = stream.track;
      tile.videoPaused = producer.paused;
      tile.layeredConsumerId = stream.simulcast ? stream.consumerId : null;
    } else {
      tile.micMuted = producer.paused;
    }
    tiles.set(key, tile);
  }
  const own = (source: 'camera' | 'screen', track: MediaStreamTrack | null, micMuted: boolean | null): void => {
    if (!track && micMuted === null) return;
    tiles.set(`me:${source}`, {
      key: `me:${source}`,
      userId: meId,
      displayName: null,
      staff: false,
      source,
      track,
      videoPaused: false,
      micMuted,
      layeredConsumerId: null,
      local: true,
      speaking: source === 'camera' && meId === activeSpeaker,
    });
  };
  own('camera', local.camera, local.microphone ? local.micMuted : null);
  own('screen', local.screen, null);
  return [...tiles.values()].sort((a, b) => rank(a) - rank(b));
}
