import { CommandError, ErrorCode } from '../../shared/errors.js';
import type { ModerationMode } from '../../shared/moderation.js';
import { canHost } from '../../shared/roles.js';
import { isHostOf, type EditTownHall, type Host, type ScheduleTownHall, type TownHall, type TownHallStatus } from '../../shared/townhall.js';
import type { SessionUser } from '../core/types.js';
import type { IdentityService } from '../identity/service.js';
import type { NewTownHall, TownHallEdit, TownHallStore } from './store.js';

type ChangeListener = (townHall: TownHall, previous: TownHall) => void;

/** What other features may ask of town halls (they never reach into the store). */
export interface TownHallService {
  /** For seeding and tests: stores the town hall as given. */
  create(input: NewTownHall): Promise<TownHall>;
  /** An officer or admin schedules a town hall; its hosts are officers (the scheduler by default). */
  schedule(input: ScheduleTownHall, by: SessionUser): Promise<TownHall>;
  /** Its hosts (or an admin) change what it is about, when, or who hosts, before it ends. */
  edit(id: string, edit: EditTownHall, by: SessionUser): Promise<TownHall>;
  /** scheduled → live, by a host or an admin. */
  start(id: string, by: SessionUser): Promise<TownHall>;
  /** live (or still scheduled: cancelled) → ended, by a host or an admin. */
  end(id: string, by: SessionUser): Promise<TownHall>;
  /** A listed host, or an admin. */
  isHost(townHall: TownHall, user: SessionUser): boolean;
  /** Officers and admins who may be named hosts. */
  hostCandidates(): Promise<Host[]>;
  /** Called on this node after every change made through this service. */
  onChange(listener: ChangeListener): () => void;
  list(): Promise<TownHall[]>;
  get(id: string): Promise<TownHall | null>;
  /** The town hall, or NOT_FOUND. */
  require(id: string): Promise<TownHall>;
  /** The town hall if it has not ended (its Q&A and polls are then frozen: CONFLICT). */
  requireNotEnded(id: string): Promise<TownHall>;
  setModeration(id: string, moderation: ModerationMode): Promise<TownHall>;
}

/** Where each status may go, and who says so. Nothing moves back. */
const NEXT: Record<'start' | 'end', { from: TownHallStatus[]; to: TownHallStatus }> = {
  start: { from: ['scheduled'], to: 'live' },
  end: { from: ['live', 'scheduled'], to: 'ended' },
};

export function createTownHallService(store: TownHallStore, identity: IdentityService): TownHallService {
  const listeners = new Set<ChangeListener>();
  const changed = (townHall: TownHall, previous: TownHall): TownHall => {
    for (const listener of listeners) listener(townHall, previous);
    return townHall;
  };
  const require = async (id: string) => {
    const townHall = await store.get(id);
    if (!townHall) throw new CommandError(ErrorCode.NOT_FOUND, 'No such town hall.');
    return townHall;
  };
  const isHost = isHostOf;
  const requireHost = async (id: string, user: SessionUser) => {
    const townHall = await require(id);
    if (!isHost(townHall, user)) throw new CommandError(ErrorCode.FORBIDDEN, 'Only the hosts of this town hall may do that.');
    return townHall;
  };
  /** Host ids become names from the accounts; anyone who may not host is refused. */
  const resolveHosts = async (ids: string[]): Promise<Host[]> => {
    const hosts: Host[] = [];
    for (const id of new Set(ids)) {
      const user = await identity.sessionUser(id);
      if (!user || !canHost(user.role)) {
        throw new CommandError(ErrorCode.INVALID_PAYLOAD, 'Hosts must be officers.', { fields: ['hostIds'] });
      }
      hosts.push({ id: user.id, displayName: user.displayName });
    }
    return hosts;
  };
  const move = async (id: string, step: 'start' | 'end', by: SessionUser) => {
    const previous = await requireHost(id, by);
    const { from, to } = NEXT[step];
    if (!from.includes(previous.status)) {
      throw new CommandError(ErrorCode.CONFLICT, step === 'start' ? 'This town hall has already started.' : 'This town hall has already ended.');
    }
    // Compare-and-set: of two hosts pressing at once, one moves it and the other is told.
    const updated = await store.transition(id, previous.status, to, Date.now());
    if (!updated) throw new CommandError(ErrorCode.CONFLICT, 'Someone else changed this town hall first.');
    return changed(updated, previous);
  };

  return {
    create: (input) => store.create(input),
    async schedule(input, by) {
      if (!canHost(by.role)) throw new CommandError(ErrorCode.FORBIDDEN, 'Only officers schedule town halls.');
      const hosts = await resolveHosts(input.hostIds ?? [by.id]);
      return store.create({
        title: input.title,
        description: input.description,
        startsAt: input.startsAt,
        moderation: input.moderation,
        status: 'scheduled',
        hosts,
      });
    },
    async edit(id, input, by) {
      const previous = await requireHost(id, by);
      if (previous.status === 'ended') throw new CommandError(ErrorCode.CONFLICT, 'This town hall has ended.');
      const edit: TownHallEdit = {
        title: input.title,
        description: input.description,
        startsAt: input.startsAt,
        moderation: input.moderation,
        hosts: input.hostIds ? await resolveHosts(input.hostIds) : undefined,
      };
      const updated = await store.edit(id, edit);
      if (!updated) throw new CommandError(ErrorCode.NOT_FOUND, 'No such town hall.');
      return changed(updated, previous);
    },
    start: (id, by) => move(id, 'start', by),
    end: (id, by) => move(id, 'end', by),
    isHost,
    async hostCandidates() {
      return (await identity.listStaff())
        .filter((s) => canHost(s.role) && !s.disabled)
        .map((s) => ({ id: s.id, displayName: s.displayName }));
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    list: () => store.list(),
    get: (id) => store.get(id),
    require,
    async requireNotEnded(id) {
      const townHall = await require(id);
      if (townHall.status === 'ended') throw new CommandError(ErrorCode.CONFLICT, 'This town hall has ended.');
      return townHall;
    },
    async setModeration(id, moderation) {
      const previous = await require(id);
      const updated = await store.setModeration(id, moderation);
      if (!updated) throw new CommandError(ErrorCode.NOT_FOUND, 'No such town hall.');
      return changed(updated, previous);
    },
  };
}
