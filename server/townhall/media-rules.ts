// Pure rules of who may publish what in a town hall (no I/O).
import type { MediaKind, MediaSource } from '../../shared/media.js';
import type { TownHallStatus } from '../../shared/townhall.js';

export type PublishVerdict = { ok: true } | { ok: false; code: 'CONFLICT' | 'FORBIDDEN' | 'INVALID_PAYLOAD'; message: string };

const KIND_OF: Record<MediaSource, MediaKind> = { camera: 'video', microphone: 'audio', screen: 'video' };

/**
 * Hosts of a live town hall publish camera, microphone and screen; a resident brought on stage
 * publishes camera and microphone only; the sign-language interpreter publishes camera and
 * microphone, never a screen, even when they are a host (their picture is the one viewers keep
 * in sight, and a screen would take its place); nobody publishes before it is live or after it ended.
 */
export function mayPublish(input: {
  status: TownHallStatus;
  host: boolean;
  onStage: boolean;
  interpreter: boolean;
  source: MediaSource;
  kind: MediaKind;
}): PublishVerdict {
  if (KIND_OF[input.source] !== input.kind) {
    return { ok: false, code: 'INVALID_PAYLOAD', message: `A ${input.source} sends ${KIND_OF[input.source]}.` };
  }
  if (input.status !== 'live') return { ok: false, code: 'CONFLICT', message: 'The town hall is not live.' };
  if (input.interpreter && input.source === 'screen') {
    return { ok: false, code: 'FORBIDDEN', message: 'The interpreter publishes a camera and a microphone, not a screen.' };
  }
  if (input.host || input.interpreter) return { ok: true };
  if (!input.onStage) return { ok: false, code: 'FORBIDDEN', message: 'Only hosts and people on stage can publish.' };
  if (input.source === 'screen') return { ok: false, code: 'FORBIDDEN', message: 'Only hosts can share a screen.' };
  return { ok: true };
}

/** Per connection and town hall, so one person cannot pile up resources on the server. */
export const PEER_LIMITS = { transportsPerDirection: 2, consumers: 60 } as const;
