// The whole Socket.IO contract: every feature's event map merged into one for each direction.
import type { QaClientEvents, QaServerEvents } from './qa.js';

export type ClientToServerEvents = QaClientEvents;
export type ServerToClientEvents = QaServerEvents;
export type InterServerEvents = Record<string, never>;
export type CommandName = keyof ClientToServerEvents;
