import type { types } from 'mediasoup-client';
import type { AppError, Result } from '../../../shared/errors.js';
import type { MediaSource } from '../../../shared/media.js';
import { captureCamera, captureCameraAndMicrophone, captureProblem, captureScreen, type CaptureProblem } from './media-devices.js';
import type { MediaLink } from './media-link.js';

const notConnected: AppError = { code: 'UNAVAILABLE', message: 'The video is not connected.' };

/**
 * What this person sends: their camera, microphone and screen, and the producers carrying them.
 * The tracks outlive a link (a reconnect republishes them) but never outlive the permission to
 * publish: being sent back or the video closing stops them at once, so the camera light goes off.
 */
export class LocalMedia {
  camera = $state.raw<MediaStreamTrack | null>(null);
  microphone = $state.raw<MediaStreamTrack | null>(null);
  screen = $state.raw<MediaStreamTrack | null>(null);
  micMuted = $state.raw(false);
  /** A capture or publish is under way: the buttons wait for it. */
  busy = $state.raw(false);
  /** The browser refused or found no camera/microphone/screen. */
  problem = $state.raw<CaptureProblem | null>(null);
  /** The server refused to take the stream. */
  error = $state.raw<AppError | null>(null);

  readonly publishing = $derived(this.camera !== null || this.microphone !== null || this.screen !== null);

  readonly #link: () => MediaLink | null;
  readonly #producers = new Map<MediaSource, types.Producer>();
  /** Bumped by stopAll: a capture that was waiting on the browser's prompt is then discarded. */
  #epoch = 0;

  constructor(link: () => MediaLink | null) {
    this.#link = link;
  }

  /** Which of this person's own sources a producer id is, if it is theirs. */
  sourceOf(producerId: string): MediaSource | undefined {
    for (const [source, producer] of this.#producers) if (producer.id === producerId) return source;
    return undefined;
  }

  /** Going live (hosts) or coming on stage (residents): one prompt for camera and microphone. */
  async startCameraAndMicrophone(): Promise<boolean> {
    return this.#task(async () => {
      const epoch = this.#epoch;
      const captured = await captureCameraAndMicrophone();
      if (epoch !== this.#epoch) {
        captured.camera?.stop();
        captured.microphone?.stop();
        return false;
      }
      this.camera = captured.camera;
      this.microphone = captured.microphone;
      this.micMuted = false;
      const published = await this.#publishAll([
        ['camera', captured.camera],
        ['microphone', captured.microphone],
      ]);
      if (!published) this.stopAll();
      return published;
    });
  }

  async startCamera(): Promise<boolean> {
    return this.#task(async () => {
      const track = await captureCamera();
      this.camera = track;
      const published = await this.#publish('camera', track);
      if (!published) this.#stop('camera');
      return published;
    });
  }

  async stopCamera(): Promise<void> {
    await this.#unpublish('camera');
  }

  async shareScreen(): Promise<boolean> {
    return this.#task(async () => {
      const track = await captureScreen();
      // The browser's own "Stop sharing" bar ends the track without asking the page.
      track.addEventListener('ended', () => void this.stopScreen());
      this.screen = track;
      const published = await this.#publish('screen', track);
      if (!published) this.#stop('screen');
      return published;
    });
  }

  async stopScreen(): Promise<void> {
    await this.#unpublish('screen');
  }

  async setMicMuted(muted: boolean): Promise<Result<null>> {
    const producer = this.#producers.get('microphone');
    const link = this.#link();
    if (!producer || !link) return { ok: false, error: notConnected };
    const result = await link.setPaused(producer, muted);
    if (result.ok) this.micMuted = muted;
    else this.error = result.error;
    return result;
  }

  /** A host muted this person's microphone, or they unmuted it elsewhere. */
  pausedByServer(source: MediaSource, paused: boolean): void {
    const producer = this.#producers.get(source);
    if (!producer) return;
    if (paused) producer.pause();
    else producer.resume();
    if (source === 'microphone') this.micMuted = paused;
  }

  /** The server closed one of this person's producers (sent back, muted for good, removed). */
  closedByServer(producerId: string): void {
    const source = this.sourceOf(producerId);
    if (!source) return;
    this.#producers.get(source)?.close();
    this.#producers.delete(source);
    this.#stop(source);
  }

  /** The host stops broadcasting: every producer closes on the server too. */
  async unpublishAll(): Promise<void> {
    await Promise.all((['camera', 'microphone', 'screen'] as const).map((source) => this.#unpublish(source)));
    this.micMuted = false;
  }

  /** Everything stops at once: sent back, the video closed, or the page left. */
  stopAll(): void {
    this.#epoch++;
    for (const producer of this.#producers.values()) producer.close();
    this.#producers.clear();
    for (const source of ['camera', 'microphone', 'screen'] as const) this.#stop(source);
    this.micMuted = false;
  }

  /** A new link after a reconnect: the old producers died with the old connection. */
  async republish(): Promise<void> {
    this.#producers.clear();
    const ok = await this.#publishAll([
      ['camera', this.camera],
      ['microphone', this.microphone],
      ['screen', this.screen],
    ]);
    if (!ok) this.stopAll();
    else if (this.micMuted) await this.setMicMuted(true);
  }

  clearProblem(): void {
    this.problem = null;
    this.error = null;
  }

  async #task(run: () => Promise<boolean>): Promise<boolean> {
    if (this.busy) return false;
    this.busy = true;
    this.clearProblem();
    try {
      return await run();
    } catch (error) {
      this.problem = captureProblem(error);
      return false;
    } finally {
      this.busy = false;
    }
  }

  async #publishAll(tracks: [MediaSource, MediaStreamTrack | null][]): Promise<boolean> {
    for (const [source, track] of tracks) {
      if (track && !(await this.#publish(source, track))) return false;
    }
    return true;
  }

  async #publish(source: MediaSource, track: MediaStreamTrack): Promise<boolean> {
    const link = this.#link();
    if (!link) {
      this.error = notConnected;
      return false;
    }
    const result = await link.produce(track, { source, simulcast: source === 'camera' });
    if (!result.ok) {
      this.error = result.error;
      return false;
    }
    // Sent back (or unpublished) while the server was answering: the new producer goes too.
    if (this.#track(source) !== track) {
      await link.closeProducer(result.data);
      return false;
    }
    this.#producers.set(source, result.data);
    return true;
  }

  async #unpublish(source: MediaSource): Promise<void> {
    const producer = this.#producers.get(source);
    this.#producers.delete(source);
    this.#stop(source);
    const link = this.#link();
    if (producer) {
      if (link) await link.closeProducer(producer);
      else producer.close();
    }
  }

  #track(source: MediaSource): MediaStreamTrack | null {
    return source === 'camera' ? this.camera : source === 'microphone' ? this.microphone : this.screen;
  }

  #stop(source: MediaSource): void {
    this.#track(source)?.stop();
    if (source === 'camera') this.camera = null;
    else if (source === 'microphone') this.microphone = null;
    else this.screen = null;
  }
}
