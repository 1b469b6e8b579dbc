import { SvelteSet } from 'svelte/reactivity';
import type { Result } from '../../../shared/errors.js';
import type { ChatMessageView, ChatServerEvents, ChatSnapshot } from '../../../shared/chat.js';
import type { ReasonCode } from '../../../shared/moderation.js';
import type { ChatSkipped } from '../../../shared/room.js';
import { command, getSocket } from './socket.js';
import type { TownHallRoom } from './townhall-room.svelte.js';

const byTime = (a: ChatMessageView, b: ChatMessageView): number =>
  a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** How many messages the page keeps on screen; the server sends at most 200 on joining. */
const KEPT = 300;

/**
 * The chat of one town hall as this person sees it. Its snapshot comes with every join of the
 * town hall's room (its `chat` part), then is kept current by `chat:message-posted` (upsert) and
 * `chat:removed`.
 */
export class ChatState {
  readonly townHallId: string;

  messages = $state.raw<ChatMessageView[]>([]);
  slowModeSeconds = $state.raw(0);
  loaded = $state.raw(false);
  /** When this person may send again (ms since epoch): after slow mode or a rate limit refused them. */
  waitUntil = $state.raw(0);
  /** Told politely to the author when a moderator approves their held message. */
  approved = $state.raw<{ seq: number; text: string } | null>(null);
  /**
   * Chat messages the server left out while the room was overloaded, by the message they came
   * after (`''`: before any): shown as "…and 37 more messages". Cleared by the next join.
   */
  skipped = $state.raw<ReadonlyMap<string, number>>(new Map());
  /** Messages this person flagged in this visit (the server counts one flag per person anyway). */
  readonly flagged = new SvelteSet<string>();

  constructor(townHallId: string) {
    this.townHallId = townHallId;
  }

  /** Follows the chat of the room; returns the function that stops. */
  start(room: TownHallRoom): () => void {
    const socket = getSocket();
    const handlers: { [K in keyof ChatServerEvents]: ChatServerEvents[K] } = {
      'chat:message-posted': ({ message }) => {
        if (message.townHallId === this.townHallId) room.whenJoined(() => this.#upsert(message));
      },
      'chat:removed': ({ townHallId, messageId }) => {
        if (townHallId === this.townHallId) room.whenJoined(() => this.#remove(messageId));
      },
    };
    const onSkipped = ({ townHallId, count }: ChatSkipped) => {
      if (townHallId === this.townHallId) room.whenJoined(() => this.#skip(count));
    };
    const onSlowMode = ({ townHallId, seconds }: { townHallId: string; seconds: number }) => {
      if (townHallId === this.townHallId) this.slowModeSeconds = seconds;
    };
    for (const [event, handler] of Object.entries(handlers)) socket.on(event as keyof ChatServerEvents, handler);
    socket.on('mod:slow-mode-changed', onSlowMode);
    socket.on('chat:messages-skipped', onSkipped);
    const detach = room.attach({ joined: (snapshot) => this.#apply(snapshot.chat) });
    return () => {
      detach();
      socket.off('mod:slow-mode-changed', onSlowMode);
      socket.off('chat:messages-skipped', onSkipped);
      for (const [event, handler] of Object.entries(handlers)) socket.off(event as keyof ChatServerEvents, handler);
    };
  }

  /** `slowed`: whether slow mode applies to this person (staff are exempt). */
  async send(text: string, slowed: boolean): Promise<Result<ChatMessageView>> {
    const result = await command('chat:send', { townHallId: this.townHallId, text });
    if (result.ok) {
      this.#upsert(result.data);
      if (slowed && this.slowModeSeconds > 0) this.waitUntil = Date.now() + this.slowModeSeconds * 1000;
    } else if (result.error.code === 'RATE_LIMITED' && result.error.retryAfterMs) {
      this.waitUntil = Date.now() + result.error.retryAfterMs;
    }
    return result;
  }

  #skip(count: number): void {
    const after = this.messages.at(-1)?.id ?? '';
    const skipped = new Map(this.skipped);
    skipped.set(after, (skipped.get(after) ?? 0) + count);
    this.skipped = skipped;
  }

  #apply(snapshot: ChatSnapshot): void {
    // The snapshot holds the recent messages in full, those left out before too.
    this.skipped = new Map();
    this.messages = snapshot.messages;
    this.slowModeSeconds = snapshot.slowModeSeconds;
    this.loaded = true;
  }

  /** Reports someone else's message to the moderators. */
  async flag(messageId: string, reason: ReasonCode): Promise<Result<{ flagged: true }>> {
    const result = await command('mod:flag', { ref: { kind: 'chat', id: messageId }, reason });
    if (result.ok) this.flagged.add(messageId);
    return result;
  }

  #upsert(message: ChatMessageView): void {
    const index = this.messages.findIndex((m) => m.id === message.id);
    if (index !== -1) {
      const previous = this.messages[index]!;
      if (message.mine && previous.status !== 'published' && message.status === 'published') {
        this.approved = { seq: (this.approved?.seq ?? 0) + 1, text: message.text };
      }
      this.messages = this.messages.map((m, i) => (i === index ? message : m));
      return;
    }
    const last = this.messages.at(-1);
    // Almost always the newest: appended; a restored message goes back in its place.
    const next = !last || byTime(last, message) < 0 ? [...this.messages, message] : [...this.messages, message].sort(byTime);
    this.messages = next.length > KEPT ? next.slice(next.length - KEPT) : next;
  }

  #remove(messageId: string): void {
    if (this.messages.some((m) => m.id === messageId)) this.messages = this.messages.filter((m) => m.id !== messageId);
  }
}
