import type { z } from 'zod';
import type { CommitmentFilter, CommitmentItem, CommitmentList } from '../../shared/commitments.js';
import { CommandError, ErrorCode } from '../../shared/errors.js';
import type { CommitmentChange, CommitmentUpdate, CommitmentUpdateBody, CommitmentView, NewCommitment, Unit } from '../../shared/followups.js';
import type { QuestionStatus } from '../../shared/qa.js';
import type { Role } from '../../shared/roles.js';
import { isHostOf, type TownHall } from '../../shared/townhall.js';
import type { Logger } from '../core/log.js';
import type { SessionUser } from '../core/types.js';
import { canMove, dayOf, DEFAULT_TIME_ZONE, isOverdue, isRealDay } from './rules.js';
import type { CommitmentRecord, CommitmentStore } from './store.js';

/** What commitments need to know of a question (Q&A's exported reader answers it). */
export interface LinkableQuestion {
  townHallId: string;
  status: QuestionStatus;
  topicId: string | null;
  text: string;
}

export interface CommitmentDeps {
  store: CommitmentStore;
  townHalls: { get(id: string): Promise<TownHall | null> };
  questions: { get(id: string): Promise<LinkableQuestion | null> };
  /** The department's units: a usable one (existing, not retired) or NOT_FOUND. */
  units: { requireUsable(id: string): Promise<Unit> };
  /** The unit a staff account belongs to (null: none): its officers may update what the unit owns. */
  unitOf(userId: string): Promise<string | null>;
  log: Logger;
  now?: () => number;
  /** The IANA zone the department's days are counted in (DEFAULT_TIME_ZONE, UTC, when none is configured). */
  timeZone?: string;
}

type ChangeListener = (change: CommitmentChange) => void;

/** What the rest of the server may ask of commitments. */
export interface CommitmentService {
  list(filter?: CommitmentFilter): Promise<CommitmentList>;
  /** The commitment, or NOT_FOUND. */
  get(id: string): Promise<CommitmentItem>;
  /** An officer or admin records one; at a town hall, only its hosts (or an admin). */
  create(input: z.output<typeof NewCommitment>, by: SessionUser): Promise<CommitmentItem>;
  /** A dated public update, optionally moving the status as COMMITMENT_TRANSITIONS allows. */
  update(id: string, body: z.output<typeof CommitmentUpdateBody>, by: SessionUser): Promise<CommitmentItem>;
  /** Told after every change is stored, on this node. */
  onChange(listener: ChangeListener): () => void;
  /** Today, YYYY-MM-DD, in the department's zone. */
  today(): string;
}

const mayRecord = (role: Role): boolean => role === 'officer' || role === 'admin';

const publicView = (r: CommitmentRecord): CommitmentView => ({
  id: r.id,
  townHallId: r.townHallId,
  questionIds: [...r.questionIds],
  topicIds: [...r.topicIds],
  text: r.text,
  unitId: r.unitId,
  dueDate: r.dueDate,
  status: r.status,
  dropReason: r.dropReason,
  createdAt: r.createdAt,
  createdByName: r.createdByName,
  doneAt: r.doneAt,
  updates: r.updates.map((u) => ({ ...u })),
});

export function createCommitmentService(deps: CommitmentDeps): CommitmentService {
  const { store, townHalls, questions, units, log } = deps;
  const now = deps.now ?? Date.now;
  const timeZone = deps.timeZone ?? DEFAULT_TIME_ZONE;
  const listeners = new Set<ChangeListener>();
  const today = () => dayOf(now(), timeZone);

  const tell = (change: CommitmentChange) => {
    for (const listener of listeners) {
      // A listener's fault (a feed, a notice) must not undo or fail a change already stored.
      try {
        listener(change);
      } catch (err) {
        log.error({ err, commitment: change.commitment.id }, 'a commitment listener failed');
      }
    }
  };

  /** Items for the page: overdue today, the linked questions' public text, the town hall's title. */
  const describe = async (records: CommitmentRecord[]): Promise<CommitmentItem[]> => {
    const day = today();
    const titles = new Map<string, Promise<string | null>>();
    const titleOf = (id: string) => {
      if (!titles.has(id)) titles.set(id, townHalls.get(id).then((t) => t?.title ?? null));
      return titles.get(id)!;
    };
    return Promise.all(
      records.map(async (r) => ({
        ...publicView(r),
        overdue: isOverdue(r, day),
        townHallTitle: r.townHallId ? await titleOf(r.townHallId) : null,
        questions: await Promise.all(
          r.questionIds.map(async (id) => {
            const q = await questions.get(id);
            return { id, text: q && q.status === 'published' ? q.text : null };
          }),
        ),
      })),
    );
  };

  const requireRecord = async (id: string) => {
    const record = await store.get(id);
    if (!record) throw new CommandError(ErrorCode.NOT_FOUND, 'No such commitment.');
    return record;
  };

  const mayUpdate = async (record: CommitmentRecord, user: SessionUser): Promise<boolean> => {
    if (!mayRecord(user.role)) return false;
    if (user.role === 'admin' || record.createdById === user.id) return true;
    if (record.townHallId) {
      const townHall = await townHalls.get(record.townHallId);
      if (townHall && isHostOf(townHall, user)) return true;
    }
    return (await deps.unitOf(user.id)) === record.unitId;
  };

  return {
    today,
    async list(filter = {}) {
      const all = (await store.list()).filter(
        (c) =>
          (!filter.status || c.status === filter.status) &&
          (!filter.topic || c.topicIds.includes(filter.topic)) &&
          (!filter.townHallId || c.townHallId === filter.townHallId),
      );
      // Newest first: the page leads with what was said most recently.
      return { commitments: await describe(all.reverse()), today: today() };
    },
    async get(id) {
      return (await describe([await requireRecord(id)]))[0]!;
    },
    async create(input, by) {
      if (!mayRecord(by.role)) throw new CommandError(ErrorCode.FORBIDDEN, 'Only officers and admins record commitments.');
      if (input.townHallId) {
        const townHall = await townHalls.get(input.townHallId);
        if (!townHall) throw new CommandError(ErrorCode.NOT_FOUND, 'No such town hall.');
        if (!isHostOf(townHall, by)) throw new CommandError(ErrorCode.FORBIDDEN, 'Only the hosts of this town hall record its commitments.');
      }
      if (!isRealDay(input.dueDate) || input.dueDate < today()) {
        throw new CommandError(ErrorCode.INVALID_PAYLOAD, 'The due date must be a real day, today or later.', { fields: ['dueDate'] });
      }
      const unit = await units.requireUsable(input.unitId);
      const questionIds = [...new Set(input.questionIds)];
      if (questionIds.length > 0 && !input.townHallId) {
        throw new CommandError(ErrorCode.INVALID_PAYLOAD, 'Questions can only be linked to a commitment made at their town hall.', {
          fields: ['questionIds'],
        });
      }
      const topicIds = new Set<string>();
      for (const id of questionIds) {
        const q = await questions.get(id);
        // Only what the public can read may be linked: a held, removed or merged question is not.
        if (!q || q.status !== 'published' || q.townHallId !== input.townHallId) {
          throw new CommandError(ErrorCode.NOT_FOUND, 'No such published question in this town hall.', { fields: ['questionIds'] });
        }
        if (q.topicId) topicIds.add(q.topicId);
      }
      const record = await store.add({
        townHallId: input.townHallId,
        questionIds,
        topicIds: [...topicIds],
        text: input.text,
        unitId: unit.id,
        dueDate: input.dueDate,
        createdAt: now(),
        createdByName: by.displayName,
        createdById: by.id,
      });
      tell({ commitment: publicView(record), update: 'created' });
      return (await describe([record]))[0]!;
    },
    async update(id, body, by) {
      if (!mayRecord(by.role)) throw new CommandError(ErrorCode.FORBIDDEN, 'Only officers and admins update commitments.');
      const current = await requireRecord(id);
      if (!(await mayUpdate(current, by))) {
        throw new CommandError(ErrorCode.FORBIDDEN, "Only the owning unit's officers, its recorder, its town hall's hosts or an admin update it.");
      }
      const status = body.status ?? null;
      if (status !== null && !canMove(current.status, status)) {
        throw new CommandError(ErrorCode.CONFLICT, `A commitment that is ${current.status} cannot become ${status}.`);
      }
      const update: CommitmentUpdate = { at: now(), byName: by.displayName, status, text: body.text };
      const stored = await store.addUpdate(id, current.status, update);
      // Another officer moved it between our read and our write: theirs stands, ours is refused.
      if (!stored) throw new CommandError(ErrorCode.CONFLICT, 'This commitment changed meanwhile; reload and try again.');
      tell({ commitment: publicView(stored), update });
      return (await describe([stored]))[0]!;
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
