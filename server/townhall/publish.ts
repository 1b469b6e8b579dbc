import type { ServerToClientEvents } from '../../shared/events.js';
import { rooms, type AppServer, type AppSocket } from '../core/types.js';
import type { Except } from './frame-facts.js';
import type { RoomFrames } from './frames.js';

export type { Except };

export type Fact = keyof ServerToClientEvents;
export type FactPayload<E extends Fact> = Parameters<ServerToClientEvents[E]>[0];

/**
 * The one way a feature sends facts to a town hall's room. Facts for the room go into its next
 * frame (frames.ts): one packet per tick per attendee however many facts the tick held. Facts
 * for one person, and the rare one that leaves out a single connection, go at once.
 */
export interface RoomPublisher {
  /** To everyone in the town hall (who joined it), but those `except` names: with the next frame. */
  publish<E extends Fact>(townHallId: string, event: E, payload: FactPayload<E>, except?: Except): void;
  /** To the town hall's reviewing staff, but those `except` names: with the next frame. */
  publishToStaff<E extends Fact>(townHallId: string, event: E, payload: FactPayload<E>, except?: Except): void;
  /** To everyone in the town hall but one connection (the one whose command it reports), at once. */
  publishExcept<E extends Fact>(socket: AppSocket, townHallId: string, event: E, payload: FactPayload<E>): void;
  /** To one person, in all their tabs, at once: their own copy of something, or news for them alone. */
  publishToPerson<E extends Fact>(userId: string, event: E, payload: FactPayload<E>): void;
}

export function createRoomPublisher(io: AppServer, frames: RoomFrames): RoomPublisher {
  // Socket.IO's emit is typed per event through rest parameters, which a generic event cannot name.
  const send = (to: object, event: Fact, payload: unknown) =>
    void (to as { emit(event: string, payload: unknown): boolean }).emit(event, payload);
  return {
    publish(townHallId, event, payload, except) {
      frames.add(townHallId, event, payload, 'everyone', except);
    },
    publishToStaff(townHallId, event, payload, except) {
      frames.add(townHallId, event, payload, 'staff', except);
    },
    publishExcept(socket, townHallId, event, payload) {
      frames.sentOutside(townHallId);
      send(socket.to(rooms.townHall(townHallId)), event, payload);
    },
    publishToPerson(userId, event, payload) {
      send(io.to(rooms.user(userId)), event, payload);
    },
  };
}
