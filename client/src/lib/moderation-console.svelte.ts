// The moderator console's live queue: one snapshot from `mod:watch-queue` on every (re)connect,
// then the `mod:` facts on top of it. Selecting an item claims it for this moderator, so the
// others see it as taken; moving away releases it.
import type { AppError, Result } from '../../../shared/errors.js';
import { refKey, type FilterAction, type FilterEntry, type ModeratorAction, type QueueReason, type ReasonCode } from '../../../shared/moderation.js';
import type { ModServerEvents, QueueItemView, QueueStats, RevealedAuthor, UserPanel } from '../../../shared/moderation-events.js';
import { command, getSocket } from './socket.js';

/** The console's three views: the queue, the word list, the record. */
export type ConsoleView = 'queue' | 'words' | 'record';
export type SortOrder = 'newest' | 'flags';
export type ReasonFilter = 'all' | QueueReason;
/** An action waiting for its reason: a key or button asked for it before a reason was chosen. */
export type PendingAction = Exclude<ModeratorAction, 'approve' | 'restore'> | 'timeout' | 'ban';
export type SanctionRequest = { kind: 'timeout'; minutes: number; reason: ReasonCode } | { kind: 'ban'; scope: 'room' | 'site'; reason: ReasonCode };

/** What a screen-reader user hears after acting: the outcome and how much is left. */
export interface ConsoleAnnouncement {
  seq: number;
  kind: ModeratorAction | 'upheld' | 'restored' | 'timeout' | 'ban' | 'lifted' | 'taken' | 'end';
  /** Items left in the whole queue. */
  left: number;
  /** Who holds an item ('taken'). */
  name: string;
  minutes: number;
}

export const itemKey = (item: Pick<QueueItemView, 'ref'>): string => refKey(item.ref);

/** Which decisions an item's status allows (the server checks the same moves). */
export function allowedActions(item: QueueItemView): ModeratorAction[] {
  if (item.reason === 'appealed' || item.appeal) return [];
  switch (item.status) {
    case 'held':
      return ['approve', 'reject', 'remove'];
    case 'hidden':
      return ['approve', 'remove'];
    case 'published':
      // Approving a flagged item that is still up keeps it and takes it off the queue.
      return ['approve', 'hide', 'remove'];
    default:
      return ['restore'];
  }
}

const CLAIM_REFRESH_MS = 30_000;
/** Claims last two minutes on the server; one that has under this left is renewed. */
const CLAIM_MARGIN_MS = 60_000;

export class ModerationConsoleState {
  readonly meId: string;
  /** Whether this person may reveal who wrote an anonymous item (admins). */
  readonly canReveal: boolean;

  items = $state.raw<QueueItemView[]>([]);
  stats = $state.raw<QueueStats>({ queueLength: 0, medianDecisionMs: null });
  filterEntries = $state.raw<FilterEntry[]>([]);
  loaded = $state(false);
  loadError = $state.raw<AppError | null>(null);
  sort = $state<SortOrder>('newest');
  show = $state<ReasonFilter>('all');
  selectedKey = $state<string | null>(null);
  /** The last failed action on the selected item, shown beside its buttons, and what it was. */
  actionError = $state.raw<AppError | null>(null);
  failedAction = $state<'decide' | 'appeal' | 'sanction' | null>(null);
  busy = $state(false);
  announcement = $state.raw<ConsoleAnnouncement | null>(null);
  author = $state.raw<UserPanel | null>(null);
  authorError = $state.raw<AppError | null>(null);
  /** Who wrote the selected anonymous item, once an admin revealed it. */
  revealed = $state.raw<RevealedAuthor | null>(null);
  /** Set when the selected item left the queue by someone else's hand. */
  selectedGone = $state(false);

  readonly visible: QueueItemView[] = $derived(
    this.items
      .filter((item) => this.show === 'all' || item.reason === this.show)
      .sort((a, b) => (this.sort === 'flags' ? b.flags - a.flags : 0) || b.submittedAt - a.submittedAt),
  );
  readonly selected: QueueItemView | null = $derived(this.items.find((i) => itemKey(i) === this.selectedKey) ?? null);

  #seq = 0;
  #deciding: string | null = null;
  #pending: (() => void)[] | null = null;

  constructor(meId: string, canReveal = false) {
    this.meId = meId;
    this.canReveal = canReveal;
  }

  /** Whether another moderator holds the item right now. */
  takenByOther(item: QueueItemView, now = Date.now()): boolean {
    return item.claim !== null && item.claim.by !== this.meId && item.claim.until > now;
  }

  start(): () => void {
    const socket = getSocket();
    const handlers: { [K in keyof ModServerEvents]?: ModServerEvents[K] } = {
      'mod:queue-changed': ({ item }) => this.#whenWatching(() => this.#upsert(item)),
      'mod:queue-removed': ({ ref }) => this.#whenWatching(() => this.#removed(refKey(ref), false)),
      'mod:stats-changed': (stats) => this.#whenWatching(() => (this.stats = stats)),
      'mod:filter-changed': ({ entries }) => this.#whenWatching(() => (this.filterEntries = entries)),
    };
    const onConnect = () => void this.#watch();
    socket.on('connect', onConnect);
    for (const [event, handler] of Object.entries(handlers)) socket.on(event as keyof ModServerEvents, handler as never);
    if (socket.connected) void this.#watch();
    const renew = setInterval(() => {
      const item = this.selected;
      if (item?.claim?.by === this.meId && item.claim.until - Date.now() < CLAIM_MARGIN_MS) void this.#claim(itemKey(item));
    }, CLAIM_REFRESH_MS);

    return () => {
      clearInterval(renew);
      socket.off('connect', onConnect);
      for (const [event, handler] of Object.entries(handlers)) socket.off(event as keyof ModServerEvents, handler as never);
      if (this.selectedKey) void this.#release(this.selectedKey);
      void command('mod:unwatch-queue', {});
    };
  }

  /** Selects an item and claims it; on a claim conflict it says who has it and moves on. */
  async select(key: string | null, direction: 1 | -1 = 1): Promise<void> {
    const previous = this.selectedKey;
    if (previous === key) return;
    this.selectedKey = key;
    this.actionError = null;
    this.selectedGone = false;
    this.author = null;
    this.authorError = null;
    this.revealed = null;
    if (previous) void this.#release(previous);
    if (key) await this.#claim(key, direction);
  }

  /** The next (or previous) item nobody else holds, from the selection; `end` when none. */
  move(direction: 1 | -1): Promise<void> {
    const next = this.#neighbour(this.selectedKey, direction);
    if (next === null) {
      this.#announce('end');
      return Promise.resolve();
    }
    return this.select(next, direction);
  }

  async decide(action: ModeratorAction, reason: ReasonCode | undefined): Promise<Result<unknown>> {
    const item = this.selected;
    if (!item) return this.#nothingSelected();
    this.failedAction = 'decide';
    return this.#act(item, action, () =>
      command('mod:decide', { ref: item.ref, action, ...(reason && action !== 'approve' && action !== 'restore' ? { reason } : {}) }),
    );
  }

  async decideAppeal(outcome: 'upheld' | 'restored'): Promise<Result<unknown>> {
    const item = this.selected;
    if (!item) return this.#nothingSelected();
    this.failedAction = 'appeal';
    return this.#act(item, outcome, () => command('mod:decide-appeal', { ref: item.ref, outcome }));
  }

  /** A timeout or ban for the author of the selected item (by item, so anonymous authors stay anonymous). */
  async sanction(request: SanctionRequest): Promise<Result<unknown>> {
    const item = this.selected;
    if (!item) return this.#nothingSelected();
    const townHallId = request.kind === 'ban' && request.scope === 'room' && item.place.kind === 'townhall' ? item.place.id : undefined;
    if (this.busy) return { ok: false, error: { code: 'CONFLICT', message: 'An action is already on its way.' } };
    this.busy = true;
    this.actionError = null;
    const result = await command('mod:sanction', {
      target: { ref: item.ref },
      kind: request.kind,
      reason: request.reason,
      ...(request.kind === 'timeout' ? { minutes: request.minutes } : {}),
      ...(townHallId ? { townHallId } : {}),
    });
    this.busy = false;
    if (!result.ok) {
      this.failedAction = 'sanction';
      this.actionError = result.error;
    } else {
      this.#announce(request.kind, { minutes: request.kind === 'timeout' ? request.minutes : 0 });
      await this.loadAuthor();
    }
    return result;
  }

  async lift(sanctionId: string): Promise<Result<unknown>> {
    const result = await command('mod:lift', { sanctionId });
    if (result.ok) {
      this.#announce('lifted');
      await this.loadAuthor();
    }
    return result;
  }

  /** The selected item's author: name or pseudonym, sanctions and notices. */
  async loadAuthor(): Promise<void> {
    const item = this.selected;
    if (!item) return;
    const key = itemKey(item);
    const result = await command('mod:user', { target: { ref: item.ref } });
    if (this.selectedKey !== key) return;
    this.author = result.ok ? result.data : null;
    this.authorError = result.ok ? null : result.error;
  }

  /** Admins only: who wrote the selected anonymous item; the reason goes on the moderation record. */
  async reveal(reason: string): Promise<Result<RevealedAuthor>> {
    const item = this.selected;
    if (!item) return this.#nothingSelected();
    const key = itemKey(item);
    const result = await command('mod:reveal-author', { ref: item.ref, reason });
    if (result.ok && this.selectedKey === key) this.revealed = result.data;
    return result;
  }

  async addFilterEntry(term: string, action: FilterAction): Promise<Result<FilterEntry>> {
    const result = await command('mod:filter-add', { term, action });
    if (result.ok && !this.filterEntries.some((e) => e.id === result.data.id)) this.filterEntries = [...this.filterEntries, result.data];
    return result;
  }

  async removeFilterEntry(id: string): Promise<Result<FilterEntry>> {
    const result = await command('mod:filter-remove', { id });
    if (result.ok || result.error.code === 'NOT_FOUND') this.filterEntries = this.filterEntries.filter((e) => e.id !== id);
    return result;
  }

  async #act(item: QueueItemView, kind: ConsoleAnnouncement['kind'], send: () => Promise<Result<unknown>>): Promise<Result<unknown>> {
    if (this.busy) return { ok: false, error: { code: 'CONFLICT', message: 'An action is already on its way.' } };
    const key = itemKey(item);
    // The order is taken now: the server's removal fact arrives before the acknowledgement.
    const order = this.visible.map(itemKey);
    this.busy = true;
    this.actionError = null;
    this.#deciding = key;
    const result = await send();
    this.#deciding = null;
    this.busy = false;
    if (result.ok) {
      this.#removed(key, true);
      this.#announce(kind);
      if (this.selectedKey === key) {
        this.selectedKey = null;
        this.author = null;
        // Not awaited: the next item shows (and takes the keys) while its claim is on its way.
        void this.select(this.#after(order, key));
      }
    } else {
      this.actionError = result.error;
      // NOT_FOUND: someone else decided it and it left the queue.
      if (result.error.code === 'NOT_FOUND') this.#removed(key, false);
    }
    return result;
  }

  /** The first item after `key` in an earlier order that is still here and free, else the nearest before it. */
  #after(order: string[], key: string): string | null {
    const index = order.indexOf(key);
    const free = (k: string) => {
      const item = this.items.find((i) => itemKey(i) === k);
      return item !== undefined && !this.takenByOther(item) && this.visible.includes(item);
    };
    return order.slice(index + 1).find(free) ?? order.slice(0, Math.max(0, index)).reverse().find(free) ?? null;
  }

  async #watch(): Promise<void> {
    this.#pending = [];
    const result = await command('mod:watch-queue', {});
    const queued = this.#pending;
    this.#pending = null;
    if (result.ok) {
      this.items = result.data.items;
      this.stats = result.data.stats;
      this.filterEntries = result.data.filter;
      this.loadError = null;
      this.loaded = true;
      for (const apply of queued) apply();
      // After a reconnection the claim may have lapsed: take the selected item again.
      if (this.selectedKey && this.selected) void this.#claim(this.selectedKey);
    } else if (result.error.code !== 'UNAVAILABLE') {
      this.loadError = result.error;
    }
  }

  #whenWatching(apply: () => void): void {
    if (this.#pending) this.#pending.push(apply);
    else apply();
  }

  async #claim(key: string, direction: 1 | -1 = 1): Promise<void> {
    const item = this.items.find((i) => itemKey(i) === key);
    if (!item) return;
    const result = await command('mod:claim', { ref: item.ref });
    if (result.ok) {
      this.#upsert(result.data);
      if (this.selectedKey === key) void this.loadAuthor();
      else void this.#release(key);
      return;
    }
    if (this.selectedKey !== key) return;
    if (result.error.code === 'CONFLICT') {
      const current = this.items.find((i) => itemKey(i) === key);
      const byName = current?.claim && current.claim.by !== this.meId ? current.claim.byName : '';
      // Marked as taken here too, so moving on skips it even before the server's fact arrives.
      if (current && !this.takenByOther(current)) {
        this.#upsert({ ...current, claim: { by: '', byName, until: Date.now() + CLAIM_MARGIN_MS } });
      }
      this.#announce('taken', { name: byName });
      const next = this.#neighbour(key, direction);
      this.selectedKey = null;
      if (next) await this.select(next, direction);
    } else if (result.error.code === 'NOT_FOUND') {
      this.#removed(key, false);
    } else if (result.error.code !== 'UNAVAILABLE') {
      this.actionError = result.error;
    }
  }

  async #release(key: string): Promise<void> {
    const item = this.items.find((i) => itemKey(i) === key);
    if (!item || item.claim?.by !== this.meId) return;
    const result = await command('mod:release', { ref: item.ref });
    if (result.ok) this.#upsert(result.data);
  }

  #neighbour(fromKey: string | null, direction: 1 | -1): string | null {
    const list = this.visible;
    const now = Date.now();
    const start = fromKey === null ? (direction === 1 ? -1 : list.length) : list.findIndex((i) => itemKey(i) === fromKey);
    for (let i = start + direction; i >= 0 && i < list.length; i += direction) {
      const candidate = list[i]!;
      if (!this.takenByOther(candidate, now)) return itemKey(candidate);
    }
    return null;
  }

  #upsert(item: QueueItemView): void {
    const key = itemKey(item);
    const index = this.items.findIndex((i) => itemKey(i) === key);
    this.items = index === -1 ? [...this.items, item] : this.items.map((i, n) => (n === index ? item : i));
    if (key === this.selectedKey) this.selectedGone = false;
  }

  #removed(key: string, byMe: boolean): void {
    if (!this.items.some((i) => itemKey(i) === key)) return;
    this.items = this.items.filter((i) => itemKey(i) !== key);
    if (key === this.selectedKey && !byMe && key !== this.#deciding) this.selectedGone = true;
  }

  #nothingSelected(): Promise<Result<never>> {
    return Promise.resolve({ ok: false, error: { code: 'NOT_FOUND', message: 'Nothing is selected.' } });
  }

  #announce(kind: ConsoleAnnouncement['kind'], extra: { name?: string; minutes?: number } = {}): void {
    this.announcement = { seq: ++this.#seq, kind, left: this.items.length, name: extra.name ?? '', minutes: extra.minutes ?? 0 };
  }
}
