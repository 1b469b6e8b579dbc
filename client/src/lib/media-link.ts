// One joined session with a town hall's mediasoup router: the Device, a receive transport, and a
// send transport made on first publish. It only moves media and signals; what the page shows
// lives in MediaState. A link is never reused: after a reconnect the state opens a new one.
import { Device, type types } from 'mediasoup-client';
import type { AppError, Result } from '../../../shared/errors.js';
import type { ConsumerOptions, MediaSource, TransportOptions } from '../../../shared/media.js';
import { command } from './socket.js';

type Direction = 'send' | 'recv';

/** A signalling refusal carried through mediasoup-client's callbacks, to be reported as is. */
class SignalError extends Error {
  constructor(readonly error: AppError) {
    super(error.code);
  }
}

/** The browser side failed (no WebRTC, a codec it cannot handle): said as INTERNAL, never raw. */
const browserFailure = (what: string): AppError => ({ code: 'INTERNAL', message: `The browser could not ${what}.` });

const failure = (error: unknown, what: string): Result<never> => ({
  ok: false,
  error: error instanceof SignalError ? error.error : browserFailure(what),
});

export interface Consumed {
  consumer: types.Consumer;
  /** Takes `media:set-layers`. */
  simulcast: boolean;
}

export interface PublishOptions {
  source: MediaSource;
  /** Three encodings at a quarter, half and full resolution, for viewers to choose from. */
  simulcast: boolean;
}

const SIMULCAST: RTCRtpEncodingParameters[] = [
  { scaleResolutionDownBy: 4, maxBitrate: 150_000 },
  { scaleResolutionDownBy: 2, maxBitrate: 500_000 },
  { scaleResolutionDownBy: 1, maxBitrate: 1_500_000 },
];

export class MediaLink {
  readonly #townHallId: string;
  readonly #device: Device;
  readonly #onFailed: () => void;
  #recv: types.Transport | null = null;
  #send: Promise<Result<types.Transport>> | null = null;
  #closed = false;

  private constructor(townHallId: string, device: Device, onFailed: () => void) {
    this.#townHallId = townHallId;
    this.#device = device;
    this.#onFailed = onFailed;
  }

  /** Loads the Device with the router's capabilities and opens the receive transport. */
  static async open(townHallId: string, rtpCapabilities: unknown, onFailed: () => void): Promise<Result<MediaLink>> {
    let device: Device;
    try {
      device = await Device.factory();
      await device.load({ routerRtpCapabilities: rtpCapabilities as types.RtpCapabilities });
    } catch {
      return { ok: false, error: browserFailure('start video (WebRTC is missing or blocked)') };
    }
    const link = new MediaLink(townHallId, device, onFailed);
    const recv = await link.#transport('recv');
    if (!recv.ok) return recv;
    link.#recv = recv.data;
    return { ok: true, data: link };
  }

  get closed(): boolean {
    return this.#closed;
  }

  canSend(kind: 'audio' | 'video'): boolean {
    return this.#device.canProduce(kind);
  }

  /** A paused consumer of the producer; the caller resumes it once its track is on the page. */
  async consume(producerId: string): Promise<Result<Consumed>> {
    const recv = this.#recv;
    if (!recv || this.#closed) return { ok: false, error: { code: 'CONFLICT', message: 'The media link is closed.' } };
    const result = await command('media:consume', {
      townHallId: this.#townHallId,
      transportId: recv.id,
      producerId,
      rtpCapabilities: this.#device.recvRtpCapabilities,
    });
    if (!result.ok) return result;
    const options: ConsumerOptions = result.data;
    try {
      const consumer = await recv.consume({
        id: options.id,
        producerId: options.producerId,
        kind: options.kind,
        rtpParameters: options.rtpParameters as types.RtpParameters,
      });
      return { ok: true, data: { consumer, simulcast: options.type === 'simulcast' } };
    } catch (error) {
      return failure(error, 'receive this stream');
    }
  }

  resume(consumerId: string): Promise<Result<null>> {
    return command('media:resume-consumer', { townHallId: this.#townHallId, consumerId });
  }

  setLayers(consumerId: string, spatialLayer: number): Promise<Result<null>> {
    return command('media:set-layers', { townHallId: this.#townHallId, consumerId, spatialLayer });
  }

  /** Publishes a track; the send transport is made on the first call. */
  async produce(track: MediaStreamTrack, { source, simulcast }: PublishOptions): Promise<Result<types.Producer>> {
    this.#send ??= this.#transport('send');
    const send = await this.#send;
    if (!send.ok) {
      this.#send = null;
      return send;
    }
    try {
      const producer = await send.data.produce({
        track,
        // The state owns the tracks: a closed producer must not stop a track still previewed.
        stopTracks: false,
        ...(simulcast && track.kind === 'video' ? { encodings: SIMULCAST, codecOptions: { videoGoogleStartBitrate: 1000 } } : {}),
        appData: { source },
      });
      return { ok: true, data: producer };
    } catch (error) {
      return failure(error, 'send your camera or microphone');
    }
  }

  /** Closes the producer here and on the server (other viewers' consumers close with it). */
  async closeProducer(producer: types.Producer): Promise<void> {
    producer.close();
    if (!this.#closed) await command('media:close-producer', { townHallId: this.#townHallId, producerId: producer.id });
  }

  async setPaused(producer: types.Producer, paused: boolean): Promise<Result<null>> {
    const result = await command(paused ? 'media:pause-producer' : 'media:resume-producer', {
      townHallId: this.#townHallId,
      producerId: producer.id,
    });
    if (result.ok) {
      if (paused) producer.pause();
      else producer.resume();
    }
    return result;
  }

  /** Closes both transports here; the server closes its side on `media:leave` or disconnect. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#recv?.close();
    void this.#send?.then((send) => {
      if (send.ok) send.data.close();
    });
  }

  async #transport(direction: Direction): Promise<Result<types.Transport>> {
    const result = await command('media:create-transport', { townHallId: this.#townHallId, direction });
    if (!result.ok) return result;
    if (this.#closed) return { ok: false, error: { code: 'CONFLICT', message: 'The media link is closed.' } };
    const options: TransportOptions = result.data;
    let transport: types.Transport;
    try {
      const params = {
        id: options.id,
        iceParameters: options.iceParameters as types.IceParameters,
        iceCandidates: options.iceCandidates as types.IceCandidate[],
        dtlsParameters: options.dtlsParameters as types.DtlsParameters,
        // Relayed candidates rank lowest: they carry the media only when neither mediasoup's UDP nor
        // its TCP candidates can be reached (a firewall that lets only web traffic through).
        iceServers: options.iceServers,
      };
      transport = direction === 'recv' ? this.#device.createRecvTransport(params) : this.#device.createSendTransport(params);
    } catch (error) {
      return failure(error, 'open a media connection');
    }
    const townHallId = this.#townHallId;
    transport.on('connect', ({ dtlsParameters }, callback, errback) => {
      void command('media:connect-transport', { townHallId, transportId: transport.id, dtlsParameters }).then((r) =>
        r.ok ? callback() : errback(new SignalError(r.error)),
      );
    });
    transport.on('produce', ({ kind, rtpParameters, appData }, callback, errback) => {
      const source = (appData as { source: MediaSource }).source;
      void command('media:produce', { townHallId, transportId: transport.id, kind, source, rtpParameters }).then((r) =>
        r.ok ? callback({ id: r.data.producerId }) : errback(new SignalError(r.error)),
      );
    });
    transport.on('connectionstatechange', (state) => {
      if (state === 'failed' && !this.#closed) this.#onFailed();
    });
    return { ok: true, data: transport };
  }
}
