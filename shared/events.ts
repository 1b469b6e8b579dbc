// The whole Socket.IO contract: every feature's event map merged into one for each direction.
import type { ForumClientEvents, ForumServerEvents } from './forum.js';
import type { ModClientEvents, ModServerEvents } from './moderation-events.js';
import type { PollClientEvents, PollServerEvents } from './polls.js';
import type { QaClientEvents, QaServerEvents } from './qa.js';

export type ClientToServerEvents = QaClientEvents & ModClientEvents & ForumClientEvents & PollClientEvents;
export type ServerToClientEvents = QaServerEvents & ModServerEvents & ForumServerEvents & PollServerEvents;
export type InterServerEvents = Record<string, never>;
export type CommandName = keyof ClientToServerEvents;
