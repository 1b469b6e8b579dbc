// The recording contract: a host starts and stops recording a live town hall; everyone in it
// is told while it records. The server writes each track (camera, microphone, screen) to its
// own file without re-encoding, with a timeline beside them that says who was on stage when,
// what was shared, who spoke, which question was being answered and what the captions said.
// The archival composition reads the timeline (server/recording/layout-plan.ts).
import { z } from 'zod';
import type { Ack } from './errors.js';
import { Id } from './ids.js';
import type { MediaKind, MediaSource } from './media.js';
import { boundedLine } from './text.js';

/** Recording as everyone in the town hall sees it: in the join snapshot and in `recording:changed`. */
export interface RecordingState {
  recording: boolean;
  /** When this recording started (ms since the epoch); null when not recording. */
  since: number | null;
}

export const NOT_RECORDING: RecordingState = { recording: false, since: null };

/** One recording of a town hall: from a start to its stop (a town hall may have several). */
export interface RecordingInfo {
  id: Id;
  townHallId: Id;
  startedAt: number;
  stoppedAt: number | null;
}

/**
 * Who a track or an entry is about. `userId` is the account's opaque id, never a name: the
 * timeline is stored with the recording and names come from the record when it is shown.
 */
export interface TimelineParticipant {
  userId: Id;
  /** Host or staff (a resident brought on stage is not). */
  staff: boolean;
}

/**
 * One line of a recording's timeline (`timeline.jsonl` beside the tracks). `at` is ms since the
 * epoch, on the server's clock; `offsetMs` is ms since the recording started, which is where
 * it lands in the tracks.
 */
export type TimelineEntry = { at: number; offsetMs: number } & TimelineEvent;

export type TimelineEvent =
  /** The recording began: the first line of every timeline. */
  | { type: 'recording-started'; recordingId: Id; townHallId: Id }
  /**
   * The recording ended (missing after a crash: the last entry's time is then the end). Its time
   * is the moment the host stopped it; the recorders' files are finished after that, so the
   * track-stopped entries of that stop may come later, and the archive ends here.
   */
  | { type: 'recording-stopped'; recordingId: Id }
  /**
   * A track's file began. `file` is relative to the recording's directory; a track that stops
   * and starts again (a camera turned off and on) gets a new file and a new pair of entries.
   */
  | {
      type: 'track-started';
      trackId: string;
      file: string;
      kind: MediaKind;
      source: MediaSource;
      participant: TimelineParticipant;
    }
  | { type: 'track-stopped'; trackId: string; file: string }
  /**
   * Where a track-started entry's file begins: its first frame belongs at this entry's time,
   * which may be seconds after the track started (FFmpeg starting up, a video waiting for a
   * keyframe). Measured from the packets sent to the recorder by the publisher's clock
   * (media/first-packet.ts) and written a few seconds into the track, so after other entries.
   * Timelines written before it existed lack it; their tracks are placed at their track-started entry.
   */
  | { type: 'track-media-started'; trackId: string; file: string }
  /** A resident came on stage or went back (hosts publish without being "on stage"). */
  | { type: 'stage-on'; participant: TimelineParticipant }
  | { type: 'stage-off'; participant: TimelineParticipant }
  /** A screen share began or ended; `trackId` names its track-started entry. */
  | { type: 'screen-on'; trackId: string; participant: TimelineParticipant }
  | { type: 'screen-off'; trackId: string; participant: TimelineParticipant }
  /** The loudest microphone now (from the router's audio level observer), or null after silence. */
  | { type: 'active-speaker'; participant: TimelineParticipant | null; trackId: string | null }
  /**
   * The sign-language interpreter was marked (a host's `stage:set-interpreter`), or unmarked
   * with null: the archive shows their camera as an inset whenever they have one.
   */
  | { type: 'interpreter'; participant: TimelineParticipant | null }
  /** A question became "answering now" (a chapter of the archive); null when none is any more. */
  | { type: 'answering'; questionId: Id | null }
  /** A caption line as it was shown live; `lang` when the captioner said its language (absent in older timelines). */
  | { type: 'caption'; lineId: Id; text: string; lang?: string };

export type TimelineEntryType = TimelineEvent['type'];

export const RecordingTarget = z.strictObject({ townHallId: Id });
export type RecordingTarget = z.input<typeof RecordingTarget>;

export interface RecordingClientEvents {
  /** Hosts of the town hall (and admins), while it is live. */
  'recording:start': (input: RecordingTarget, ack: Ack<RecordingState>) => void;
  'recording:stop': (input: RecordingTarget, ack: Ack<RecordingState>) => void;
}

export interface RecordingServerEvents {
  /** To everyone in the town hall: recording started or stopped. */
  'recording:changed': (payload: { townHallId: Id; state: RecordingState }) => void;
}

/**
 * The archival video of one recording: composed from its tracks after it stops, one job at a
 * time (server/recording/compose*.ts). On disk beside the tracks: `archive.webm` (VP8 + Opus, so
 * every browser plays it) and `archive.json` (this, less `recordingId`/`townHallId`).
 */
export type ArchiveStatus = 'waiting' | 'composing' | 'ready' | 'failed';

export interface ArchiveInfo {
  recordingId: Id;
  townHallId: Id;
  status: ArchiveStatus;
  /** 0–1 while composing (FFmpeg's progress over the plan's duration); 1 when ready. */
  progress: number;
  /** The archive's length once planned; null before. */
  durationMs: number | null;
  /** Why it failed, for admins (never shown to the public). */
  error?: string;
}

/**
 * A recording as the record page lists it. `published` is false once an admin unpublished it
 * (with a reason, on the audit chain): then it is listed to admins only, and every download of
 * it answers NOT_FOUND to everyone else.
 */
export interface RecordingListing extends RecordingInfo {
  archive: ArchiveInfo;
  published: boolean;
  /** Chapters: the questions answered live, from the timeline's "answering now" markers. */
  chapters: { questionId: Id; startMs: number; endMs: number }[];
}

/** A recording's archive as admins follow it (`GET /api/admin/archives`, newest first). */
export interface ArchiveOverview extends ArchiveInfo {
  startedAt: number;
  stoppedAt: number | null;
  /** The town hall's title to know it by; null if the town hall is gone. */
  title: string | null;
}

/** One caption line of a recording, placed on its video (ms from the start): the WebVTT track's cue and the transcript's line. */
export interface CaptionCue {
  id: Id;
  startMs: number;
  endMs: number;
  text: string;
  /** Its language (a BCP 47 tag), null when unknown: each language is a captions track of its own. */
  lang: string | null;
}

/**
 * A recording as the record page plays it (GET /api/townhalls/:id/recordings): its listing, and
 * the caption lines beside the video (null when the admins do not publish captions).
 */
export interface PlayableRecording extends RecordingListing {
  captions: CaptionCue[] | null;
  /** Why an admin unpublished it: sent to admins only, null while published. */
  unpublishedReason: string | null;
}

/** An admin unpublishes a recording with a reason (written to the audit chain with it). */
export const UNPUBLISH_REASON = { min: 3, max: 500 } as const;
export const UnpublishRecording = z.strictObject({ reason: boundedLine(UNPUBLISH_REASON.min, UNPUBLISH_REASON.max) });
export type UnpublishRecording = z.input<typeof UnpublishRecording>;

/** One raw track file of a recording, for admins (GET …/recordings/:recordingId/tracks). */
export interface RawTrackFile {
  file: string;
  kind: MediaKind;
  source: MediaSource;
  bytes: number;
}
