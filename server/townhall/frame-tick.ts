// How often a town hall's room sends its frame: pure arithmetic, shared with the crowd benchmark's
// raw ws baseline so both pace frames alike.

/** The shortest tick: what a small room waits at most to batch what happened. */
export const MIN_TICK_MS = 100;
/** The longest: past it a room feels stuck however loaded the node is. */
export const MAX_TICK_MS = 1000;
/**
 * WebSocket writes a second one node's core affords for frames by default. Raw `ws` writes
 * about 80,000 (AMD EPYC) to 150,000 (Intel Xeon) small messages a second on one core; the rest
 * is left for commands, acknowledgements and the stores.
 */
export const DEFAULT_WRITES_PER_SECOND = 60_000;

/**
 * The tick for a room of `attendees` on this node: 100 ms while the room's writes fit the
 * budget, longer as it grows (so writes a second stay within `writesPerSecond`), and stretched
 * further when the event loop lags (`stretch` ≥ 1, from the load monitor).
 */
export function tickMs(attendees: number, writesPerSecond: number, stretch = 1): number {
  const paced = Math.max(MIN_TICK_MS, Math.ceil((attendees * 1000) / Math.max(1, writesPerSecond)));
  return Math.min(MAX_TICK_MS, Math.round(paced * Math.max(1, stretch)));
}

/** From this stretch on the node counts as overloaded (the tick already stretched twice over). */
export const OVERLOADED_STRETCH = 2;
/** Chat messages per crowd frame while the node is overloaded; the rest are counted, not sent. */
export const CHAT_PER_FRAME_OVERLOADED = 5;

/** How many chat messages a crowd frame carries at this stretch. */
export const chatLimit = (stretch: number): number => (stretch >= OVERLOADED_STRETCH ? CHAT_PER_FRAME_OVERLOADED : Infinity);
