import { randomUUID } from 'node:crypto';
import type { FrameFact, RoomFrame } from '../../shared/room.js';
import type { Invalidations } from '../core/coordination.js';
import type { LoadMonitor } from '../core/load.js';
import type { Logger } from '../core/log.js';
import { rooms, type AppServer, type AppSocket } from '../core/types.js';
import { compactFacts, type Entry, type Except } from './frame-facts.js';
import { chatLimit, tickMs } from './frame-tick.js';
import { createLaggards, sortOut, type Laggards } from './frame-laggards.js';

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
  stats(): FrameStats;
  close(): void;
}

/** The engine connection's queue of packets the transport has not taken yet (engine.io 6). */
type Conn = { writeBuffer: unknown[] };

interface Outbox {
  townHallId: string;
  entries: Entry[];
  timer: NodeJS.Timeout | null;
  flushing: boolean;
  lastSentAt: number;
  tickMs: number;
  /** Connections skipping frames until they drain (frame-laggards.ts). */
  lag: Laggards<string>;
}

type Relayed = { townHallId: string; entry: Entry };

/**
 * One frame per tick per town hall and audience (see docs/protocol.md §3). Facts published
 * during a tick wait in the town hall's outbox; when it is due, the tallies send their counts
 * (`beforeFrame`), the facts are compacted (one tally per frame, chat sampled under overload)
 * and written once to every connection of the audience, encoded once per room by Socket.IO's
 * broadcast. People a fact leaves out (they get their own copy) get a frame of their own without
 * it. A connection whose outgoing buffer is full skips frames and is told to join again once it
 * has drained, so a slow phone never holds the room back nor grows the server's memory.
 */
export function createRoomFrames(options: FrameOptions): RoomFrames {
  const { io, log, load } = options;
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
      box = { townHallId, entries: [], timer: null, flushing: false, lastSentAt: 0, tickMs: 0, lag: createLaggards() };
      outboxes.set(townHallId, box);
    }
    box.entries.push(entry);
    schedule(box);
  }

  function schedule(box: Outbox): void {
    if (box.timer || box.flushing || closed) return;
    const wait = Math.max(0, box.lastSentAt + box.tickMs - performance.now());
    box.timer = setTimeout(() => void flush(box), wait);
  }

  async function flush(box: Outbox): Promise<void> {
    const started = performance.now();
    box.timer = null;
    box.flushing = true;
    try {
      for (const hook of hooks) await hook().catch((err: unknown) => log.warn({ err }, 'a frame hook failed'));
      const room = members(rooms.townHall(box.townHallId));
      box.tickMs = tickMs(room?.size ?? 0, options.writesPerSecond, load.stretch());
      box.lastSentAt = performance.now();
      const entries = box.entries;
      box.entries = [];
      if (room?.size) send(box, entries, room);
    } catch (err) {
      log.error({ err, townHall: box.townHallId }, 'frame not sent');
    } finally {
      box.flushing = false;
      options.onFrame?.((performance.now() - started) / 1000);
    }
    if (box.entries.length > 0 || box.lag.behind.size > 0) schedule(box);
    else if (!members(rooms.townHall(box.townHallId))?.size) outboxes.delete(box.townHallId);
  }

  /** Who skips this frame: connections still draining; those drained are told to join again. */
  function sortOutRoom(box: Outbox, room: ReadonlySet<string>, now: number): string[] {
    const queued = (id: string) => {
      const socket = nsp.sockets.get(id);
      return socket && (socket.conn as unknown as Conn).writeBuffer.length;
    };
    const { slow, resync } = sortOut(box.lag, room, (id) => room.has(id), queued, now);
    for (const id of resync) nsp.sockets.get(id)?.emit('townhall:resync', { townHallId: box.townHallId });
    totals.resyncs += resync.length;
    return slow;
  }

  function send(box: Outbox, entries: Entry[], room: ReadonlySet<string>): void {
    const now = performance.now();
    const slow = sortOutRoom(box, room, now);
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
    totals.sampledChat += crowd.sampled;
    if (everyone.length > 0) {
      totals.skippedFrames += slow.length;
      io.local.to(rooms.townHall(townHallId)).except([staffRoom, ...left]).emit('townhall:frame', frame(everyone));
    }
    const staff = members(staffRoom);
    if (staff?.size) {
      const facts = compact('staff');
      if (facts.length > 0) io.local.to(staffRoom).except(left).emit('townhall:frame', frame(facts));
    }
    // The people left out above: a frame of their own, without the facts they have their own copy of.
    const slowSet = new Set(slow);
    for (const person of people) {
      for (const id of members(rooms.user(person)) ?? []) {
        if (!room.has(id) || slowSet.has(id)) continue;
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
    stats: () => ({
      tickMs: Math.max(0, ...[...outboxes.values()].map((b) => b.tickMs)),
      lagMs: load.lagMs(),
      ...totals,
      pendingFacts: [...outboxes.values()].reduce((sum, b) => sum + b.entries.length, 0),
    }),
    close() {
      closed = true;
      void unsubscribed?.then((off) => off());
      for (const box of outboxes.values()) if (box.timer) clearTimeout(box.timer);
      outboxes.clear();
    },
  };
}
