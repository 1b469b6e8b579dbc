// Camera, microphone and screen capture, with the browser's many failures sorted into the few
// a person can act on.

/** Why capture failed, in terms of what the person can do about it. */
export type CaptureProblem = 'denied' | 'missing' | 'busy' | 'unsupported' | 'failed';

export class CaptureError extends Error {
  constructor(readonly problem: CaptureProblem) {
    super(problem);
  }
}

function problemOf(error: unknown): CaptureProblem {
  const name = error instanceof DOMException || error instanceof Error ? error.name : '';
  if (name === 'NotAllowedError' || name === 'SecurityError') return 'denied';
  if (name === 'NotFoundError' || name === 'OverconstrainedError') return 'missing';
  if (name === 'NotReadableError' || name === 'AbortError') return 'busy';
  if (name === 'TypeError') return 'unsupported';
  return 'failed';
}

// 720p at most: the top simulcast layer; the lower ones are scaled down from it.
const CAMERA: MediaTrackConstraints = { width: { ideal: 1280 }, height: { ideal: 720 }, frameRate: { ideal: 30 } };
const MICROPHONE: MediaTrackConstraints = { echoCancellation: true, noiseSuppression: true, autoGainControl: true };

export interface Captured {
  camera: MediaStreamTrack | null;
  microphone: MediaStreamTrack | null;
}

/**
 * Camera and microphone together (one permission prompt). A person without a camera still
 * speaks: when no camera is found, the microphone alone is asked for.
 */
export async function captureCameraAndMicrophone(): Promise<Captured> {
  const devices = navigator.mediaDevices;
  if (!devices?.getUserMedia) throw new CaptureError('unsupported');
  try {
    const stream = await devices.getUserMedia({ video: CAMERA, audio: MICROPHONE });
    return { camera: stream.getVideoTracks()[0] ?? null, microphone: stream.getAudioTracks()[0] ?? null };
  } catch (error) {
    if (problemOf(error) !== 'missing') throw new CaptureError(problemOf(error));
  }
  try {
    const stream = await devices.getUserMedia({ audio: MICROPHONE });
    return { camera: null, microphone: stream.getAudioTracks()[0] ?? null };
  } catch (error) {
    throw new CaptureError(problemOf(error));
  }
}

export async function captureCamera(): Promise<MediaStreamTrack> {
  if (!navigator.mediaDevices?.getUserMedia) throw new CaptureError('unsupported');
  try {
    const stream = await navigator.mediaDevices.getUserMedia({ video: CAMERA });
    const track = stream.getVideoTracks()[0];
    if (!track) throw new CaptureError('missing');
    return track;
  } catch (error) {
    throw error instanceof CaptureError ? error : new CaptureError(problemOf(error));
  }
}

export async function captureScreen(): Promise<MediaStreamTrack> {
  if (!navigator.mediaDevices?.getDisplayMedia) throw new CaptureError('unsupported');
  try {
    const stream = await navigator.mediaDevices.getDisplayMedia({ video: { frameRate: { ideal: 15 } }, audio: false });
    const track = stream.getVideoTracks()[0];
    if (!track) throw new CaptureError('missing');
    // Text on slides stays sharp: the encoder keeps resolution and drops frames instead.
    track.contentHint = 'detail';
    return track;
  } catch (error) {
    throw error instanceof CaptureError ? error : new CaptureError(problemOf(error));
  }
}

export const captureProblem = (error: unknown): CaptureProblem =>
  error instanceof CaptureError ? error.problem : problemOf(error);
