import type { types } from 'mediasoup-client';
import type { AppError, Result } from '../../../shared/errors.js';
import type { MediaClosedReason, MediaJoined, MediaServerEvents, ProducerInfo, RaisedHand, Speaker, StageView } from '../../../shared/media.js';
import type { Role } from '../../../shared/roles.js';
import type { TownHall, TownHallServerEvents } from '../../../shared/townhall.js';
import { LocalMedia } from './media-local.svelte.js';
import type { MediaLink } from './media-link.js';
import { chooseLayer, currentConditions, networkInformation } from './media-layers.js';
import { buildTiles, type Tile } from './media-tiles.js';
import { canModerate, isHostOf } from './shared.js';
import { command, getSocket } from './socket.js';
import type { TownHallRoom } from './townhall-room.svelte.js';

/** A stream someone else publishes, and this page's consumer of it once there is one. */
export interface RemoteStream {
  producer: ProducerInfo;
  track: MediaStreamTrack | null;
  consumerId: string | null;
  simulcast: boolean;
}

export type MediaPhase = 'joining' | 'ready' | 'failed' | 'closed';

export interface MediaAnnouncement {
  seq: number;
  kind: 'onStage' | 'sentBack' | 'speaking' | 'live' | 'interpreter' | 'notInterpreter';
  name?: string;
}

const SPEAKER_ANNOUNCE_GAP_MS = 15_000;
/** Joins tried after the video's home moved, while the servers settle which one is the new home. */
const MOVED_ATTEMPTS = 5;

type Handlers = { [K in keyof MediaServerEvents]: MediaServerEvents[K] };

/**
 * The video of one town hall as this person takes part in it: what they receive, what they
 * send, and the stage. Joined after every join of the town hall's room (so after each reconnect,
 * when the server has already closed the old connection's transports), and left when the page goes.
 */
export class MediaState {
  readonly townHallId: string;
  readonly me: { id: string; role: Role };
  readonly local: LocalMedia;

  phase = $state.raw<MediaPhase>('joining');
  /** Why the video could not start (`media:join` refused, or the browser could not load it). */
  joinError = $state.raw<AppError | null>(null);
  /** A transport's ICE/DTLS connection failed: the network blocks the media. */
  connectionFailed = $state.raw(false);
  closedReason = $state.raw<MediaClosedReason | null>(null);
  remote = $state.raw<RemoteStream[]>([]);
  stage = $state.raw<StageView>({ speakers: [], handCount: 0, interpreter: null });
  hands = $state.raw<RaisedHand[]>([]);
  handRaised = $state.raw(false);
  onStage = $state.raw(false);
  activeSpeaker = $state.raw<string | null>(null);
  townHall = $state.raw<TownHall | null>(null);
  /** The browser refused to play sound until the person interacts with the page. */
  audioBlocked = $state.raw(false);
  /** Bumped by "Turn on sound": every audio element tries `play()` again. */
  soundAttempt = $state.raw(0);
  announcement = $state.raw<MediaAnnouncement | null>(null);

  /** A listed host of this town hall, or an admin (the server's `isHost`). */
  readonly isHost: boolean;
  /** Who runs the stage: hosts, and moderators. */
  readonly runsStage: boolean;
  readonly live = $derived(this.townHall?.status === 'live');
  /** The sign-language interpreter a host marked, whose camera every viewer keeps in its own tile. */
  readonly interpreterId = $derived(this.stage.interpreter?.userId ?? null);
  readonly isInterpreter: boolean;
  readonly tiles: Tile[];
  readonly audio = $derived(this.remote.filter((r) => r.producer.kind === 'audio' && r.track !== null));
  /** Whether any officer is sending video or sound yet. */
  readonly hostOnAir = $derived(this.remote.some((r) => r.producer.staff));

  #link: MediaLink | null = null;
  #generation = 0;
  #seq = 0;
  #lastSpeakerAnnounced: string | null = null;
  #lastSpeakerAnnouncedAt = 0;
  /** Facts that arrive while `media:join` is in flight, applied over its answer. */
  #pending: (() => void)[] | null = null;
  readonly #consumers = new Map<string, types.Consumer>();
  readonly #consuming = new Set<string>();
  /** Per video consumer: the tile's width and the layer last asked for. */
  readonly #layers = new Map<string, { width: number; layer: number | null }>();

  constructor(townHallId: string, me: { id: string; role: Role }) {
    this.townHallId = townHallId;
    this.me = me;
    this.local = new LocalMedia(() => this.#link);
    // Assigned here rather than as fields: they read `me` and `local`, set just above.
    this.isHost = $derived(this.townHall !== null && isHostOf(this.townHall, me));
    this.runsStage = $derived(this.isHost || canModerate(me.role));
    this.isInterpreter = $derived(this.interpreterId === me.id);
    this.tiles = $derived(buildTiles(this.remote, this.local, me.id, this.activeSpeaker));
  }

  /** Joins the video after each join of the room; returns the function that leaves. */
  start(room: TownHallRoom): () => void {
    const socket = getSocket();
    const mine = (townHallId: string) => townHallId === this.townHallId;
    const handlers: Handlers = {
      'media:producer-added': ({ townHallId, producer }) => mine(townHallId) && this.#whenJoined(() => this.#added(producer)),
      'media:producer-closed': ({ townHallId, producerId }) => mine(townHallId) && this.#whenJoined(() => this.#closed(producerId)),
      'media:producer-paused': ({ townHallId, producerId, paused }) =>
        mine(townHallId) && this.#whenJoined(() => this.#paused(producerId, paused)),
      'media:consumer-closed': ({ townHallId, consumerId }) => {
        const entry = this.remote.find((r) => r.consumerId === consumerId);
        if (mine(townHallId) && entry) this.#closed(entry.producer.id);
      },
      'media:active-speaker-changed': ({ townHallId, userId }) => mine(townHallId) && this.#speaker(userId),
      'media:closed': ({ townHallId, reason }) => mine(townHallId) && (reason === 'moved' ? void this.#moved() : this.#shutDown(reason)),
      'stage:changed': ({ townHallId, stage }) => mine(townHallId) && this.#whenJoined(() => this.#stageChanged(stage)),
      'stage:hands-changed': ({ townHallId, hands }) => mine(townHallId) && this.#whenJoined(() => (this.hands = hands)),
      'stage:you-changed': ({ townHallId, onStage, handRaised }) => mine(townHallId) && this.#whenJoined(() => this.#you(onStage, handRaised)),
    };
    const onTownHall: TownHallServerEvents['townhall:changed'] = (townHall) => {
      if (mine(townHall.id)) this.setTownHall(townHall);
    };
    const onConditions = () => this.#refreshLayers();
    for (const [event, handler] of Object.entries(handlers)) socket.on(event as keyof Handlers, handler);
    socket.on('townhall:changed', onTownHall);
    document.addEventListener('visibilitychange', onConditions);
    networkInformation()?.addEventListener('change', onConditions);
    const detach = room.attach({ joined: () => void this.#join() });
    return () => {
      detach();
      for (const [event, handler] of Object.entries(handlers)) socket.off(event as keyof Handlers, handler);
      socket.off('townhall:changed', onTownHall);
      document.removeEventListener('visibilitychange', onConditions);
      networkInformation()?.removeEventListener('change', onConditions);
      this.#generation++;
      this.local.stopAll();
      this.#teardown();
      if (socket.connected) void command('media:leave', { townHallId: this.townHallId });
    };
  }

  setTownHall(townHall: TownHall | null): void {
    if (!townHall || townHall.id !== this.townHallId) return;
    this.townHall = townHall;
  }

  /** After "media cannot connect" or the worker died: start again from `media:join`. */
  async rejoin(): Promise<void> {
    if (getSocket().connected) await command('media:leave', { townHallId: this.townHallId });
    await this.#join();
  }

  async goLive(): Promise<boolean> {
    return this.local.startCameraAndMicrophone();
  }

  raiseHand(): Promise<Result<null>> {
    return this.#stageCommand('stage:raise-hand', () => (this.handRaised = true));
  }

  lowerHand(): Promise<Result<null>> {
    return this.#stageCommand('stage:lower-hand', () => (this.handRaised = false));
  }

  /** A speaker steps down by themselves. */
  async leaveStage(): Promise<Result<null>> {
    const result = await command('stage:send-back', { townHallId: this.townHallId, userId: this.me.id });
    if (result.ok) this.#you(false, false);
    return result;
  }

  /** On stage, the camera or microphone was refused: ask again after the person fixed it. */
  async retryStage(): Promise<boolean> {
    return this.onStage || this.isInterpreter ? this.local.startCameraAndMicrophone() : false;
  }

  invite(userId: string): Promise<Result<null>> {
    return command('stage:invite', { townHallId: this.townHallId, userId });
  }

  sendBack(userId: string): Promise<Result<null>> {
    return command('stage:send-back', { townHallId: this.townHallId, userId });
  }

  mute(userId: string): Promise<Result<null>> {
    return command('stage:mute', { townHallId: this.townHallId, userId });
  }

  /** Hosts: who may be marked as the interpreter now. */
  interpreterCandidates(): Promise<Result<Speaker[]>> {
    return command('stage:interpreter-candidates', { townHallId: this.townHallId });
  }

  /** Hosts mark the interpreter, or unmark with null. */
  setInterpreter(userId: string | null): Promise<Result<null>> {
    return command('stage:set-interpreter', { townHallId: this.townHallId, userId });
  }

  /** A tile's rendered width: the layer follows it (simulcast video only). */
  tileWidth(consumerId: string, width: number): void {
    const entry = this.#layers.get(consumerId);
    if (!entry) return;
    entry.width = width;
    this.#applyLayer(consumerId, entry);
  }

  soundBlocked(): void {
    this.audioBlocked = true;
  }

  /** Called from the click on "Turn on sound", which lets the browser play audio from now on. */
  turnOnSound(): void {
    this.audioBlocked = false;
    this.soundAttempt++;
  }

  #whenJoined(apply: () => void): void {
    if (this.#pending) this.#pending.push(apply);
    else apply();
  }

  async #join(): Promise<void> {
    const generation = ++this.#generation;
    this.#teardown();
    this.phase = 'joining';
    this.joinError = null;
    this.connectionFailed = false;
    this.closedReason = null;
    this.#pending = [];
    const result = await command('media:join', { townHallId: this.townHallId });
    if (generation !== this.#generation) return;
    const queued = this.#pending;
    this.#pending = null;
    if (!result.ok) {
      this.#fail(result.error);
      return;
    }
    this.#applyJoined(result.data);
    for (const apply of queued) apply();

    // mediasoup-client loads with the first video join, not with every page of the app.
    let link: Result<MediaLink>;
    try {
      const { MediaLink } = await import('./media-link.js');
      link = await MediaLink.open(this.townHallId, result.data.rtpCapabilities, () => this.#linkFailed(generation));
    } catch {
      link = { ok: false, error: { code: 'UNAVAILABLE', message: 'The video code could not be loaded.' } };
    }
    if (generation !== this.#generation) {
      if (link.ok) link.data.close();
      return;
    }
    if (!link.ok) {
      this.#fail(link.error);
      return;
    }
    this.#link = link.data;
    this.phase = 'ready';
    for (const stream of this.remote) void this.#consume(stream.producer.id, generation);
    if (this.local.publishing) {
      if ((this.isHost && this.live) || this.onStage || (this.isInterpreter && this.live)) await this.local.republish();
      else this.local.stopAll();
    }
  }

  /**
   * The server this page receives video through lost the town hall's media (its home server went
   * away): join again at once, sending again what was sent, and try a few more times while the
   * video settles on its new home.
   */
  async #moved(): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      await this.#join();
      if (this.phase !== 'failed' || this.joinError?.code !== 'UNAVAILABLE' || attempt >= MOVED_ATTEMPTS) return;
      const generation = this.#generation;
      await new Promise((resolve) => setTimeout(resolve, 500 * attempt + Math.random() * 500));
      if (generation !== this.#generation) return;
    }
  }

  /**
   * Marked as the interpreter, a staff member who is not a host starts camera and microphone as
   * a resident brought on stage does; unmarked, they stop (hosts and speakers keep theirs).
   */
  #stageChanged(stage: StageView): void {
    const was = this.isInterpreter;
    this.stage = stage;
    const now = stage.interpreter?.userId === this.me.id;
    if (now === was || this.isHost || this.onStage) {
      if (now !== was) this.#announce(now ? 'interpreter' : 'notInterpreter');
      return;
    }
    this.#announce(now ? 'interpreter' : 'notInterpreter');
    if (now && this.live) void this.local.startCameraAndMicrophone();
    else if (!now) {
      this.local.stopAll();
      this.local.clearProblem();
    }
  }

  #applyJoined(joined: MediaJoined): void {
    this.stage = joined.stage;
    this.handRaised = joined.handRaised;
    this.onStage = joined.stage.speakers.some((s) => s.userId === this.me.id);
    this.remote = joined.producers.filter((p) => p.userId !== this.me.id).map((producer) => ({ producer, track: null, consumerId: null, simulcast: false }));
  }

  #fail(error: AppError): void {
    this.joinError = error;
    this.phase = 'failed';
  }

  #linkFailed(generation: number): void {
    if (generation === this.#generation) this.connectionFailed = true;
  }

  #added(producer: ProducerInfo): void {
    if (producer.userId === this.me.id || this.remote.some((r) => r.producer.id === producer.id)) return;
    const wasOnAir = this.hostOnAir;
    this.remote = [...this.remote, { producer, track: null, consumerId: null, simulcast: false }];
    if (producer.staff && !wasOnAir && !this.isHost) this.#announce('live');
    if (this.#link) void this.#consume(producer.id, this.#generation);
  }

  #closed(producerId: string): void {
    this.local.closedByServer(producerId);
    const entry = this.remote.find((r) => r.producer.id === producerId);
    if (!entry) return;
    this.#consumers.get(producerId)?.close();
    this.#consumers.delete(producerId);
    if (entry.consumerId) this.#layers.delete(entry.consumerId);
    this.remote = this.remote.filter((r) => r.producer.id !== producerId);
  }

  #paused(producerId: string, paused: boolean): void {
    const own = this.local.sourceOf(producerId);
    if (own) {
      this.local.pausedByServer(own, paused);
      return;
    }
    this.remote = this.remote.map((r) => (r.producer.id === producerId ? { ...r, producer: { ...r.producer, paused } } : r));
  }

  async #consume(producerId: string, generation: number): Promise<void> {
    const link = this.#link;
    if (!link || this.#consumers.has(producerId) || this.#consuming.has(producerId)) return;
    this.#consuming.add(producerId);
    const result = await link.consume(producerId);
    this.#consuming.delete(producerId);
    // A producer that closed meanwhile answers NOT_FOUND; its closing fact already removed it.
    if (!result.ok) return;
    const { consumer, simulcast } = result.data;
    if (generation !== this.#generation || !this.remote.some((r) => r.producer.id === producerId)) {
      consumer.close();
      return;
    }
    this.#consumers.set(producerId, consumer);
    if (simulcast) this.#layers.set(consumer.id, { width: 0, layer: null });
    this.remote = this.remote.map((r) =>
      r.producer.id === producerId ? { ...r, track: consumer.track, consumerId: consumer.id, simulcast } : r,
    );
    // The track is on the page now (the tile mounts with the state change): let the media flow.
    await link.resume(consumer.id);
  }

  #applyLayer(consumerId: string, entry: { width: number; layer: number | null }): void {
    if (!this.#link || entry.width <= 0) return;
    const layer = chooseLayer(entry.width, currentConditions());
    if (layer === entry.layer) return;
    entry.layer = layer;
    void this.#link.setLayers(consumerId, layer);
  }

  #refreshLayers(): void {
    for (const [consumerId, entry] of this.#layers) this.#applyLayer(consumerId, entry);
  }

  #speaker(userId: string | null): void {
    this.activeSpeaker = userId;
    // A back-and-forth would otherwise be read out at every turn: say a new speaker's name at
    // most every 15 seconds; the tile shows who speaks at every moment anyway.
    if (!userId || userId === this.#lastSpeakerAnnounced || userId === this.me.id) return;
    if (Date.now() - this.#lastSpeakerAnnouncedAt < SPEAKER_ANNOUNCE_GAP_MS) return;
    const name = this.remote.find((r) => r.producer.userId === userId)?.producer.displayName;
    if (!name) return;
    this.#lastSpeakerAnnounced = userId;
    this.#lastSpeakerAnnouncedAt = Date.now();
    this.#announce('speaking', name);
  }

  #you(onStage: boolean, handRaised: boolean): void {
    const was = this.onStage;
    this.onStage = onStage;
    this.handRaised = handRaised;
    if (onStage && !was) {
      this.#announce('onStage');
      void this.local.startCameraAndMicrophone();
    } else if (!onStage && was) {
      this.local.stopAll();
      this.local.clearProblem();
      this.#announce('sentBack');
    }
  }

  async #stageCommand(name: 'stage:raise-hand' | 'stage:lower-hand', apply: () => void): Promise<Result<null>> {
    const result = await command(name, { townHallId: this.townHallId });
    if (result.ok) apply();
    return result;
  }

  #shutDown(reason: MediaClosedReason): void {
    this.#generation++;
    this.local.stopAll();
    this.#teardown();
    this.onStage = false;
    this.handRaised = false;
    this.closedReason = reason;
    this.phase = 'closed';
  }

  /** Closes this page's side of the link; the server has closed, or will close, its own. */
  #teardown(): void {
    for (const consumer of this.#consumers.values()) consumer.close();
    this.#consumers.clear();
    this.#consuming.clear();
    this.#layers.clear();
    this.#link?.close();
    this.#link = null;
    this.remote = [];
    this.activeSpeaker = null;
    this.#pending = null;
  }

  #announce(kind: MediaAnnouncement['kind'], name?: string): void {
    this.announcement = { seq: ++this.#seq, kind, ...(name ? { name } : {}) };
  }
}
