// The browser's media choices that need no browser: which simulcast layer a tile asks for, and
// how received and sent streams become the stage's tiles.
import { describe, expect, it } from 'vitest';
import { chooseLayer, isConstrained, layerForWidth } from '../../client/src/lib/media-layers.js';
import { buildTiles } from '../../client/src/lib/media-tiles.js';

const track = (id: string) => ({ id }) as unknown as MediaStreamTrack;
const open = { hidden: false };

describe('simulcast layer choice', () => {
  it('asks for the smallest layer below 400 px, the middle below 800 px, the top above', () => {
    expect([0, 399, 400, 799, 800, 1920].map(layerForWidth)).toEqual([0, 0, 1, 1, 2, 2]);
  });

  it('steps down one layer on a slow connection, with data saver, or in a hidden tab', () => {
    expect(chooseLayer(1000, open)).toBe(2);
    expect(chooseLayer(1000, { hidden: false, effectiveType: '3g' })).toBe(1);
    expect(chooseLayer(600, { hidden: false, saveData: true })).toBe(0);
    expect(chooseLayer(1000, { hidden: true, effectiveType: '4g' })).toBe(1);
  });

  it('never goes below the smallest layer', () => {
    expect(chooseLayer(200, { hidden: true, effectiveType: 'slow-2g' })).toBe(0);
  });

  it('treats a fast or unknown connection in a visible tab as unconstrained', () => {
    expect(isConstrained({ hidden: false, effectiveType: '4g' })).toBe(false);
    expect(isConstrained({ hidden: false })).toBe(false);
  });
});

const producer = (userId: string, kind: 'audio' | 'video', source: 'camera' | 'microphone' | 'screen', staff = false, paused = false) => ({
  userId,
  displayName: `Name ${userId}`,
  staff,
  kind,
  source,
  paused,
});
const nothingSent = { camera: null, microphone: null, screen: null, micMuted: false };

describe('stage tiles', () => {
  it('puts a shared screen first, then officers, then residents, then this person', () => {
    const tiles = buildTiles(
      [
        { producer: producer('res', 'video', 'camera'), track: track('r'), consumerId: 'c1', simulcast: true },
        { producer: producer('off', 'video', 'camera', true), track: track('o'), consumerId: 'c2', simulcast: true },
        { producer: producer('off', 'video', 'screen', true), track: track('s'), consumerId: 'c3', simulcast: false },
      ],
      { camera: track('mine'), microphone: track('mic'), screen: null, micMuted: true },
      'me',
      null,
    );
    expect(tiles.map((t) => t.key)).toEqual(['off:screen', 'off:camera', 'res:camera', 'me:camera']);
    expect(tiles[3]).toMatchObject({ local: true, displayName: null, micMuted: true });
  });

  it('joins a person’s camera and microphone into one tile that follows the camera’s layers', () => {
    const [tile, ...rest] = buildTiles(
      [
        { producer: producer('off', 'video', 'camera', true), track: track('v'), consumerId: 'cv', simulcast: true },
        { producer: producer('off', 'audio', 'microphone', true, true), track: track('a'), consumerId: 'ca', simulcast: false },
      ],
      nothingSent,
      'me',
      'off',
    );
    expect(rest).toEqual([]);
    expect(tile).toMatchObject({ key: 'off:camera', staff: true, layeredConsumerId: 'cv', micMuted: true, speaking: true });
  });

  it('shows a person who only speaks as a tile without video', () => {
    const [tile] = buildTiles(
      [{ producer: producer('res', 'audio', 'microphone'), track: track('a'), consumerId: 'ca', simulcast: false }],
      nothingSent,
      'me',
      null,
    );
    expect(tile).toMatchObject({ key: 'res:camera', track: null, micMuted: false, layeredConsumerId: null });
  });

  it('marks the active speaker on their camera only, never on their screen', () => {
    const tiles = buildTiles(
      [
        { producer: producer('off', 'video', 'camera', true), track: track('v'), consumerId: 'cv', simulcast: true },
        { producer: producer('off', 'video', 'screen', true), track: track('s'), consumerId: 'cs', simulcast: false },
      ],
      nothingSent,
      'me',
      'off',
    );
    expect(tiles.filter((t) => t.speaking).map((t) => t.key)).toEqual(['off:camera']);
  });
});
