// The follow-up queue: questions a town hall did not reach enter it when the town hall ends, and
// officers assign, take, answer, refer and close them. Other features (notices, feeds, the
// accountability page) listen through `onChange` and read through `list`.
import { CommandError, ErrorCode } from '../../shared/errors.js';
import type { FollowUpChange, FollowUpScope, FollowUpStatus, FollowUpView } from '../../shared/followups.js';
import type { SessionUser } from '../core/types.js';
import type { Logger } from '../core/log.js';
import type { QuestionReader } from '../qa/service.js';
import type { TownHallService } from '../townhall/service.js';
import { applyStep, enteredFollowUp, entersQueue, isOverdue, requireAssigner, requireResolver, requireWorker, type Actor, type FollowUpStep } from './rules.js';
import type { FollowUpFilter, FollowUpRecord, FollowUpStore } from './store.js';

type ChangeListener = (change: FollowUpChange) => void;

/** What a staff account is, for the rules: its role, whether it may be assigned, its unit. */
export interface StaffFacts {
  get(id: string): Promise<{ id: string; role: SessionUser['role']; displayName: string; disabled: boolean; unitId: string | null } | null>;
}

export interface FollowUpDeps {
  store: FollowUpStore;
  townHalls: Pick<TownHallService, 'require' | 'list' | 'onChange' | 'isHost'>;
  questions: Pick<QuestionReader, 'listForRecord'>;
  staff: StaffFacts;
  /** A usable unit, or NOT_FOUND (settings' unit service). */
  units: { requireUsable(id: string): Promise<unknown> };
  /** The deadline policy now (settings' `followUpDeadlineDays`). */
  deadlineDays(): Promise<number | null>;
  now: () => number;
  log: Logger;
}

export interface FollowUpService {
  /** Enters the town hall's questions not reached; safe to call again (nothing duplicates). */
  enterTownHall(townHallId: string): Promise<FollowUpRecord[]>;
  /** Enters every ended town hall not entered yet (after a crash between the end and the entry). */
  catchUp(): Promise<void>;
  /** A town hall's follow-ups as the public sees them (only questions still published). */
  publicForTownHall(townHallId: string): Promise<FollowUpView[]>;
  /** A town hall's follow-ups for staff (with assignees). */
  staffForTownHall(townHallId: string, by: SessionUser): Promise<FollowUpView[]>;
  /** An officer's worklist. */
  worklist(scope: FollowUpScope, status: FollowUpStatus | undefined, by: SessionUser): Promise<FollowUpView[]>;
  /** Every follow-up the filter names, as stored: for other features' readers. */
  list(filter: FollowUpFilter): Promise<FollowUpRecord[]>;
  /** Every follow-up the public may see (its question still published), for the figures and feeds. */
  listPublic(): Promise<FollowUpView[]>;
  act(questionId: string, step: FollowUpStep, by: SessionUser): Promise<FollowUpView>;
  /** Told after every change is stored (on this node). */
  onChange(listener: ChangeListener): () => void;
}

/** Compare-and-set attempts before an action gives up with CONFLICT (others kept changing it). */
const ATTEMPTS = 5;

export function createFollowUpService(deps: FollowUpDeps): FollowUpService {
  const { store, townHalls, now, log } = deps;
  const listeners = new Set<ChangeListener>();
  const tell = (change: FollowUpChange) => {
    for (const listener of listeners) {
      try {
        listener(change);
      } catch (err) {
        log.warn({ err }, 'a follow-up listener failed');
      }
    }
  };
  const publicView = (f: FollowUpRecord): FollowUpView => {
    const { assigneeId: _staffOnly, ...view } = f;
    return { ...view, overdue: isOverdue(f, now()) };
  };
  const staffView = async (f: FollowUpRecord, names: Map<string, string | null>): Promise<FollowUpView> => {
    if (f.assigneeId !== null && !names.has(f.assigneeId)) names.set(f.assigneeId, (await deps.staff.get(f.assigneeId))?.displayName ?? null);
    return { ...publicView(f), assigneeId: f.assigneeId, assigneeName: f.assigneeId === null ? null : (names.get(f.assigneeId) ?? null) };
  };
  const staffViews = async (list: FollowUpRecord[]) => {
    const names = new Map<string, string | null>();
    const views: FollowUpView[] = [];
    for (const f of list) views.push(await staffView(f, names));
    return views;
  };

  const enterTownHall = async (townHallId: string) => {
    const [questions, days] = await Promise.all([deps.questions.listForRecord(townHallId), deps.deadlineDays()]);
    const at = now();
    const added = await store.enter(
      townHallId,
      questions.filter(entersQueue).map((q) => enteredFollowUp(q, at, days)),
    );
    for (const f of added) tell({ followUp: publicView(f), event: f.history[0]! });
    if (added.length > 0) log.info({ townHall: townHallId, entered: added.length }, 'follow-ups entered');
    return added;
  };

  // The town hall's own news: an end on this node enters its questions at once.
  townHalls.onChange((townHall, previous) => {
    if (townHall.status === 'ended' && previous.status !== 'ended') {
      enterTownHall(townHall.id).catch((err: unknown) => log.error({ err, townHall: townHall.id }, 'follow-ups not entered; the next start catches up'));
    }
  });

  const actorOf = async (f: FollowUpRecord, by: SessionUser): Promise<Actor> => {
    requireWorker(by.role);
    const [townHall, account] = await Promise.all([townHalls.require(f.townHallId), deps.staff.get(by.id)]);
    return { id: by.id, role: by.role, displayName: by.displayName, unitId: account?.unitId ?? null, hosts: townHalls.isHost(townHall, by) };
  };
  const requireFollowUp = async (questionId: string) => {
    const f = await store.get(questionId);
    if (!f) throw new CommandError(ErrorCode.NOT_FOUND, 'No such follow-up.');
    return f;
  };
  /** Checks what an assignment names, before anything is stored. */
  const checkAssignment = async (step: Extract<FollowUpStep, { kind: 'assign' }>) => {
    if (step.assigneeId) {
      const person = await deps.staff.get(step.assigneeId);
      if (!person || person.disabled || (person.role !== 'officer' && person.role !== 'admin')) {
        throw new CommandError(ErrorCode.INVALID_PAYLOAD, 'Follow-ups are assigned to enabled officers.', { fields: ['assigneeId'] });
      }
    }
    if (step.unitId) await deps.units.requireUsable(step.unitId);
  };

  return {
    enterTownHall,
    async catchUp() {
      for (const townHall of await townHalls.list()) {
        if (townHall.status === 'ended' && !(await store.hasEntered(townHall.id))) await enterTownHall(townHall.id);
      }
    },
    async publicForTownHall(townHallId) {
      await townHalls.require(townHallId);
      const [list, questions] = await Promise.all([store.listForTownHall(townHallId), deps.questions.listForRecord(townHallId)]);
      // A question moderators removed after the town hall is no longer public, nor its follow-up.
      const published = new Set(questions.filter((q) => q.status === 'published').map((q) => q.id));
      return list.filter((f) => published.has(f.questionId)).map(publicView);
    },
    async staffForTownHall(townHallId, by) {
      requireWorker(by.role);
      await townHalls.require(townHallId);
      return staffViews(await store.listForTownHall(townHallId));
    },
    async worklist(scope, status, by) {
      requireWorker(by.role);
      const filter: FollowUpFilter = { status };
      if (scope === 'mine') filter.assigneeId = by.id;
      if (scope === 'unassigned') filter.assigneeId = null;
      if (scope === 'unit') {
        const unitId = (await deps.staff.get(by.id))?.unitId ?? null;
        if (unitId === null) return [];
        filter.unitId = unitId;
      }
      return staffViews(await store.list(filter));
    },
    list: (filter) => store.list(filter),
    async listPublic() {
      const all = await store.list({});
      const published = new Set<string>();
      for (const townHallId of new Set(all.map((f) => f.townHallId))) {
        for (const q of await deps.questions.listForRecord(townHallId)) if (q.status === 'published') published.add(q.id);
      }
      return all.filter((f) => published.has(f.questionId)).map(publicView);
    },
    async act(questionId, step, by) {
      if (step.kind === 'assign') await checkAssignment(step);
      for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
        const f = await requireFollowUp(questionId);
        const actor = await actorOf(f, by);
        if (step.kind === 'assign') requireAssigner(actor);
        else if (step.kind !== 'take') requireResolver(f, actor);
        const { next, event } = applyStep(f, step, actor, now());
        if (await store.replace(f, next)) {
          tell({ followUp: publicView(next), event });
          log.info({ followUp: questionId, by: by.id, step: step.kind }, 'follow-up changed');
          return staffView(next, new Map());
        }
      }
      throw new CommandError(ErrorCode.CONFLICT, 'Someone else kept changing this follow-up; try again.');
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
