import { randomUUID } from 'node:crypto';
import type { FrameFact, RoomFrame } from '../../shared/room.js';
import type { Invalidations } from '../core/coordination.js';
import type { LoadMonitor } from '../core/load.js';
import type { Logger } from '../core/log.js';
import { rooms, type AppServer, type AppSocket } from '../core/types.js';
import { compactFacts, type Entry, type Except } from './frame-facts.js';
import { FrameLog, type SlotBatch } from './frame-log.js';
import { chatLimit, defaultStagger, isStaggered, sliceOf, slotMs, tickMs, type Stagger } from './frame-tick.js';
import { createLaggards, resyncsPerFrame, sortOut, type Laggards } from './frame-laggards.js';
import { encodeEvent, unsentBytes, writeEncoded } from './frame-wire.js';

export interface FrameOptions {
  io: AppServer;
  log: Logger;
  load: LoadMonitor;
  /** WebSocket writes a second this node aims to stay within (see frame-tick.ts). */
  writesPerSecond: number;
  /**
   * With other nodes (on Redis): the channel facts published here cross to them on, and theirs
   * come back on. Null on one node.
   */
  relay: Invalidations | null;
  /**
   * From how many attendees on a room's frames are staggered, over how many slices
   * (`defaultStagger(writesPerSecond)` by default; tests make a small room large).
   */
  stagger?: Stagger;
  /** Told how long each frame took to build and write (s), hooks included: the metrics. */
  onFrame?: (seconds: number) => void;
}

export interface FrameStats {
  /** The tick of the largest room on this node now. */
  tickMs: number;
  /** The event loop's delay (p99) over the last sampling period. */
  lagMs: number;
  /** Frames not written to a connection because its outgoing buffer was full, in all. */
  skippedFrames: number;
  /** Connections told to join again once they had drained, in all. */
  resyncs: number;
  /** Chat messages left out of crowd frames under overload, in all. */
  sampledChat: number;
  /** Facts waiting in the outboxes for their room's next frame, now. */
  pendingFacts: number;
}

export interface RoomFrames {
  /** Adds a fact to a town hall's next frame, for everyone or the staff, but those `except` names. */
  add(townHallId: string, event: string, payload: unknown, audience: 'everyone' | 'staff', except?: Except): void;
  /** Runs before every frame is built: a tally sends its counts then, so they ride in this frame. */
  beforeFrame(hook: () => Promise<void>): void;
  /**
   * A number that moves whenever a fact is published to a town hall's room on this node (from
   * here or from another node), for its next frame or at once (`sentOutside`). Joins share a
   * read of the room while it stays (core/shared-read.ts).
   */
  version(townHallId: string): number;
  /** Notes facts sent to a town hall's room outside its frames. */
  sentOutside(townHallId: string): void;
  /** The slice room a connection joins beside the town hall's, for as long as it is in it. */
  sliceRoom(townHallId: string, socketId: string): string;
  stats(): FrameStats;
  close(): void;
}

interface Outbox {
  townHallId: string;
  /** Facts not yet sent to every slice (frame-log.ts). */
  log: FrameLog<Entry>;
  timer: NodeJS.Timeout | null;
  flushing: boolean;
  lastSlotAt: number;
  tickMs: number;
  /** The wait from one slot to the next: the tick, or a slice's share of it when staggered. */
  slotMs: number;
  /** Connections skipping frames until they drain (frame-laggards.ts). */
  lag: Laggards<string>;
}

type Relayed = { townHallId: string; entry: Entry };

/** Whom one frame is for: the town hall's room, or one slice's room. */
interface Audience {
  members: ReadonlySet<string>;
  whole: boolean;
  /** Whether chat this frame samples counts in the stats. */
  counts: boolean;
}

/**
 * One frame per tick per town hall and audience (see docs/protocol.md §3). Facts published
 * during a tick wait in the town hall's outbox; when it is due, the tallies send their counts
 * (`beforeFrame`), the facts are compacted (one tally per frame, chat sampled under overload)
 * and written to every connection of the audience, encoded once (frame-wire.ts). A large room is staggered: its connections are split into fixed slices, one slice
 * written per slot at its own phase of the tick, each with what it has not had yet (frame-log.ts),
 * so no connection waits behind the whole room's burst. People a fact leaves out (they get their
 * own copy) get a frame of their own without it. A connection with bytes piling up unsent
 * skips frames and is told to join again once it has drained, so a slow phone never holds the
 * room back nor grows the server's memory.
 */
export function createRoomFrames(options: FrameOptions): RoomFrames {
  const { io, log, load } = options;
  const stagger = options.stagger ?? defaultStagger(options.writesPerSecond);
  // Checked here, at start-up, rather than when a room's first fact makes its log.
  if (!Number.isInteger(stagger.slices) || stagger.slices < 1) throw new RangeError(`frame slices must be a positive integer, not ${stagger.slices}`);
  const nsp = io.of('/');
  const outboxes = new Map<string, Outbox>();
  const hooks: (() => Promise<void>)[] = [];
  const totals = { skippedFrames: 0, resyncs: 0, sampledChat: 0 };
  let relayQueue: Relayed[] = [];
  let closed = false;
  // Versions come from one counter, so a room's never repeats, even if it empties and fills again.
  let clock = 0;
  const versions = new Map<string, number>();
  const moved = (townHallId: string) => void versions.set(townHallId, ++clock);

  const members = (room: string) => nsp.adapter.rooms.get(room);

  function add(townHallId: string, entry: Entry, relayed: boolean): void {
    if (closed) return;
    moved(townHallId);
    if (options.relay && !relayed) relay(townHallId, entry);
    // Nobody in this room on this node: the other nodes send it to theirs.
    if (!members(rooms.townHall(townHallId))?.size) return;
    let box = outboxes.get(townHallId);
    if (!box) {
      const log = new FrameLog<Entry>(stagger.slices);
      box = { townHallId, log, timer: null, flushing: false, lastSlotAt: 0, tickMs: 0, slotMs: 0, lag: createLaggards() };
      outboxes.set(townHallId, box);
    }
    box.log.append(entry);
    schedule(box);
  }

  function schedule(box: Outbox): void {
    if (box.timer || box.flushing || closed) return;
    const wait = Math.max(0, box.lastSlotAt + box.slotMs - performance.now());
    box.timer = setTimeout(() => void flush(box), wait);
  }

  async function flush(box: Outbox): Promise<void> {
    const started = performance.now();
    box.timer = null;
    box.flushing = true;
    try {
      for (const hook of hooks) await hook().catch((err: unknown) => log.warn({ err }, 'a frame hook failed'));
      const room = members(rooms.townHall(box.townHallId));
      const staggered = isStaggered(room?.size ?? 0, stagger);
      box.tickMs = tickMs(room?.size ?? 0, options.writesPerSecond, load.stretch());
      box.slotMs = slotMs(box.tickMs, staggered, stagger.slices);
      box.lastSlotAt = performance.now();
      for (const batch of box.log.take(staggered)) if (room?.size) sendBatch(box, batch, room);
    } catch (err) {
      log.error({ err, townHall: box.townHallId }, 'frame not sent');
    } finally {
      box.flushing = false;
      options.onFrame?.((performance.now() - started) / 1000);
    }
    if (box.log.pending || box.lag.behind.size > 0) schedule(box);
    else if (!members(rooms.townHall(box.townHallId))?.size) outboxes.delete(box.townHallId);
  }

  /**
   * A slot's batch: to the whole room at once when it is for every slice (one frame, as in a
   * room that is not staggered), else to each of its slices' rooms.
   */
  function sendBatch(box: Outbox, { slices, entries }: SlotBatch<Entry>, room: ReadonlySet<string>): void {
    // Every slice gets the same chat: the sampled count is taken from slice 0's frames alone.
    if (slices.length === stagger.slices) {
      send(box, entries, { members: room, whole: true, counts: true }, room);
      return;
    }
    for (const slice of slices) {
      const sliceMembers = members(rooms.townHallSlice(box.townHallId, slice)) ?? new Set<string>();
      send(box, entries, { members: sliceMembers, whole: false, counts: slice === 0 }, room);
    }
  }

  /** Who skips this frame: connections still draining; those drained are told to join again. */
  function sortOutRoom(box: Outbox, audience: Audience, room: ReadonlySet<string>, now: number): string[] {
    const unsent = (id: string) => {
      const socket = nsp.sockets.get(id);
      return socket && unsentBytes(socket);
    };
    const limit = resyncsPerFrame(audience.whole ? 1 : stagger.slices);
    const { slow, resync } = sortOut(box.lag, audience.members, (id) => room.has(id), unsent, now, limit);
    for (const id of resync) nsp.sockets.get(id)?.emit('townhall:resync', { townHallId: box.townHallId });
    totals.resyncs += resync.length;
    return slow;
  }

  function send(box: Outbox, entries: Entry[], audience: Audience, room: ReadonlySet<string>): void {
    const now = performance.now();
    const slow = sortOutRoom(box, audience, room, now);
    if (entries.length === 0) return;
    const { townHallId } = box;
    const staffRoom = rooms.townHallStaff(townHallId);
    // Sampling is for sustained overload (the tick already stretched twice over), not one slow turn.
    const crowdChat = chatLimit(load.stretch());
    const compact = (audience: 'everyone' | 'staff', person?: string): FrameFact[] =>
      compactFacts(townHallId, entries, audience, person, audience === 'everyone' ? crowdChat : Infinity).facts;
    const frame = (facts: FrameFact[]): RoomFrame => ({ townHallId, facts });
    const people = [...new Set(entries.flatMap((e) => e.exceptPeople))];
    const left = [...slow, ...people.map(rooms.user)];
    // The crowd's frame alone counts what was sampled: a person's own frame leaves out the same.
    const crowd = compactFacts(townHallId, entries, 'everyone', undefined, crowdChat);
    const everyone = crowd.facts;
    if (audience.counts) totals.sampledChat += crowd.sampled;
    const staff = members(staffRoom);
    if (everyone.length > 0) {
      totals.skippedFrames += slow.length;
      // The crowd: everyone in the audience but the staff (theirs is below), the slow, and the
      // people a fact leaves out. Written directly rather than broadcast, so frames are not kept
      // for connection-state recovery either: a recovered connection takes the current state.
      const skip = new Set<string>(slow);
      for (const room of [staff, ...people.map((person) => members(rooms.user(person)))]) for (const id of room ?? []) skip.add(id);
      const encoded = encodeEvent('townhall:frame', frame(everyone));
      for (const id of audience.members) {
        const socket = skip.has(id) ? undefined : nsp.sockets.get(id);
        if (socket) writeEncoded(socket, encoded);
      }
    }
    if (staff?.size) {
      const facts = compact('staff');
      // A slice's staff are the few staff connections in it (a socket's id is a room of its own):
      // the staff room at every slice's phase would send them each fact once per slice.
      const to = audience.whole ? [staffRoom] : [...staff].filter((id) => audience.members.has(id));
      if (facts.length > 0 && to.length > 0) io.local.to(to).except(left).emit('townhall:frame', frame(facts));
    }
    // The people left out above: a frame of their own, without the facts they have their own copy of.
    const slowSet = new Set(slow);
    for (const person of people) {
      for (const id of members(rooms.user(person)) ?? []) {
        if (!audience.members.has(id) || slowSet.has(id)) continue;
        const socket = nsp.sockets.get(id) as AppSocket | undefined;
        const facts = compact(staff?.has(id) ? 'staff' : 'everyone', person);
        if (socket && facts.length > 0) socket.emit('townhall:frame', frame(facts));
      }
    }
  }

  // Each node knows its own messages on the shared channel by this id, and skips them.
  const node = randomUUID();
  function relay(townHallId: string, entry: Entry): void {
    relayQueue.push({ townHallId, entry });
    if (relayQueue.length > 1) return;
    // Everything published in this turn of the event loop crosses to the other nodes as one message.
    setImmediate(() => {
      const batch = relayQueue;
      relayQueue = [];
      options.relay?.publish(JSON.stringify({ node, batch })).catch((err: unknown) =>
        log.warn({ err, facts: batch.length }, 'facts not relayed to the other nodes'),
      );
    });
  }
  const unsubscribed = options.relay
    ?.subscribe((message) => {
      const { node: from, batch } = JSON.parse(message) as { node: string; batch: Relayed[] };
      if (from === node) return;
      for (const { townHallId, entry } of batch) add(townHallId, entry, true);
    })
    .catch((err: unknown) => {
      log.error({ err }, 'facts from other nodes will not reach this node');
      return () => {};
    });

  return {
    add(townHallId, event, payload, audience, except) {
      add(townHallId, { event, payload, staffOnly: audience === 'staff', exceptStaff: except?.staff ?? false, exceptPeople: except?.people ?? [] }, false);
    },
    beforeFrame: (hook) => void hooks.push(hook),
    version: (townHallId) => versions.get(townHallId) ?? 0,
    sentOutside: moved,
    sliceRoom: (townHallId, socketId) => rooms.townHallSlice(townHallId, sliceOf(socketId, stagger.slices)),
    stats: () => ({
      tickMs: Math.max(0, ...[...outboxes.values()].map((b) => b.tickMs)),
      lagMs: load.lagMs(),
      ...totals,
      pendingFacts: [...outboxes.values()].reduce((sum, b) => sum + b.log.size, 0),
    }),
    close() {
      closed = true;
      void unsubscribed?.then((off) => off());
      for (const box of outboxes.values()) if (box.timer) clearTimeout(box.timer);
      outboxes.clear();
    },
  };
}
