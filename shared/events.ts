// The whole Socket.IO contract: every feature's event map merged into one for each direction.
import type { BackchannelClientEvents, BackchannelServerEvents } from './backchannel.js';
import type { CaptionsClientEvents, CaptionsServerEvents } from './captions.js';
import type { ChatClientEvents, ChatServerEvents } from './chat.js';
import type { ForumClientEvents, ForumServerEvents } from './forum.js';
import type { MediaClientEvents, MediaServerEvents } from './media.js';
import type { ModClientEvents, ModServerEvents } from './moderation-events.js';
import type { NoticesClientEvents, NoticesServerEvents } from './notices.js';
import type { PollClientEvents, PollServerEvents } from './polls.js';
import type { PresenterClientEvents } from './presenter.js';
import type { QaClientEvents, QaServerEvents } from './qa.js';
import type { RecordingClientEvents, RecordingServerEvents } from './recording.js';
import type { RoomClientEvents, RoomServerEvents } from './room.js';
import type { TownHallClientEvents, TownHallServerEvents } from './townhall.js';

export type ClientToServerEvents = RoomClientEvents &
  QaClientEvents &
  ModClientEvents &
  ForumClientEvents &
  PollClientEvents &
  TownHallClientEvents &
  MediaClientEvents &
  ChatClientEvents &
  CaptionsClientEvents &
  PresenterClientEvents &
  BackchannelClientEvents &
  NoticesClientEvents &
  RecordingClientEvents;
export type ServerToClientEvents = RoomServerEvents &
  QaServerEvents &
  ModServerEvents &
  ForumServerEvents &
  PollServerEvents &
  TownHallServerEvents &
  MediaServerEvents &
  ChatServerEvents &
  CaptionsServerEvents &
  BackchannelServerEvents &
  NoticesServerEvents &
  RecordingServerEvents;
export type InterServerEvents = Record<string, never>;
export type CommandName = keyof ClientToServerEvents;
