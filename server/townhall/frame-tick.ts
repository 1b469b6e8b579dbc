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

// Staggered delivery. Writing a large room's frame to every connection is one synchronous burst
// (about 77 ms for 10,000 on one core, most of it the writev syscall), so the last connection
// waits behind the whole room and the event loop stalls meanwhile. A large room is split into
// fixed slices, each written at its own phase of the tick: a connection still gets one frame a
// tick (the same writes a second), but waits behind its slice's burst only.

/**
 * Slices of a staggered room. Eight cut the 10,000-attendee burst to about 10 ms, below the
 * event loop's sampling and the latency budget's noise; more would add broadcasts (each slice's
 * frame is encoded once) and runs of the tally hooks for little more gain.
 */
export const STAGGER_SLICES = 8;

/**
 * The smallest room that is staggered at this budget: the first whose one burst would be more
 * than half of a 100 ms tick's writes (3,001 at 60,000 writes a second, a burst of about 35 ms on
 * the AMD EPYC machine). It used to be the first room whose tick is lengthened (6,001), but a
 * 5,000-attendee room's one burst of 50-70 ms held commands, and the load generator's reading,
 * behind it: over a 30-minute soak its vote p99 passed 250 ms in 9 minutes, and staggered in 2
 * (p50 about 90 → 60 ms), for about 10 points more of the core (docs/performance.md, "Staggering
 * from 3,001"). Both runs also carried stalls found later, V8's helper threads taking the
 * server's core ("The collector's helper threads"); the A/B has not been taken again without
 * them. Smaller rooms keep one broadcast a tick, where a burst costs little.
 */
export const staggerFrom = (writesPerSecond: number): number => Math.floor((writesPerSecond * MIN_TICK_MS) / 2000) + 1;

/** How a node splits its large rooms: from how many attendees on, into how many slices. */
export interface Stagger {
  from: number;
  slices: number;
}

export const defaultStagger = (writesPerSecond: number): Stagger => ({ from: staggerFrom(writesPerSecond), slices: STAGGER_SLICES });

/** Whether a room of `attendees` on this node is sent slice by slice. */
export const isStaggered = (attendees: number, stagger: Stagger): boolean => stagger.slices > 1 && attendees >= stagger.from;

/**
 * The slice a connection belongs to for its whole life, from its id (FNV-1a): stable, needs no
 * state per connection, and spreads random ids evenly.
 */
export function sliceOf(id: string, slices: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) hash = Math.imul(hash ^ id.charCodeAt(i), 0x01000193);
  return (hash >>> 0) % slices;
}

/**
 * The wait between a room's slots: a staggered room sends one slice per slot, so slice i goes at
 * phase i·tick/slices and each slice still once a tick; any other room sends everyone each tick.
 */
export const slotMs = (tick: number, staggered: boolean, slices: number): number => (staggered ? tick / slices : tick);
