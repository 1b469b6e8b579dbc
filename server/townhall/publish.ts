import type { ServerToClientEvents } from '../../shared/events.js';
import { rooms, type AppServer, type AppSocket } from '../core/types.js';

export type Fact = keyof ServerToClientEvents;
export type FactPayload<E extends Fact> = Parameters<ServerToClientEvents[E]>[0];

/** Who in a town hall's audience does not get a fact (they get their own copy, or none). */
export interface Except {
  /** The town hall's reviewing staff. */
  staff?: boolean;
  /** These people, in all their tabs. */
  people?: string[];
}

/**
 * The one way a feature sends facts to a town hall's room. Today each fact goes out at once;
 * because every fact passes here, a later change can gather them into one frame per tick per
 * attendee without touching a feature.
 */
export interface RoomPublisher {
  /** To everyone in the town hall (who joined it), but those `except` names. */
  publish<E extends Fact>(townHallId: string, event: E, payload: FactPayload<E>, except?: Except): void;
  /** To the town hall's reviewing staff, but those `except` names. */
  publishToStaff<E extends Fact>(townHallId: string, event: E, payload: FactPayload<E>, except?: Except): void;
  /** To everyone in the town hall but one connection (the one whose command it reports). */
  publishExcept<E extends Fact>(socket: AppSocket, townHallId: string, event: E, payload: FactPayload<E>): void;
  /** To one person, in all their tabs: their own copy of something, or news for them alone. */
  publishToPerson<E extends Fact>(userId: string, event: E, payload: FactPayload<E>): void;
}

export function createRoomPublisher(io: AppServer): RoomPublisher {
  const left = (townHallId: string, except: Except | undefined): string[] => [
    ...(except?.staff ? [rooms.townHallStaff(townHallId)] : []),
    ...(except?.people ?? []).map(rooms.user),
  ];
  // Socket.IO's emit is typed per event through rest parameters, which a generic event cannot name.
  const send = (to: object, event: Fact, payload: unknown) =>
    void (to as { emit(event: string, payload: unknown): boolean }).emit(event, payload);
  return {
    publish(townHallId, event, payload, except) {
      send(io.to(rooms.townHall(townHallId)).except(left(townHallId, except)), event, payload);
    },
    publishToStaff(townHallId, event, payload, except) {
      send(io.to(rooms.townHallStaff(townHallId)).except(left(townHallId, except)), event, payload);
    },
    publishExcept(socket, townHallId, event, payload) {
      send(socket.to(rooms.townHall(townHallId)), event, payload);
    },
    publishToPerson(userId, event, payload) {
      send(io.to(rooms.user(userId)), event, payload);
    },
  };
}
