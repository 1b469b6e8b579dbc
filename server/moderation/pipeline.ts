import { CommandError, ErrorCode } from '../../shared/errors.js';
import { refKey } from '../../shared/moderation.js';
import type { Logger } from '../core/log.js';
import type { RateLimits } from '../core/rate-limit.js';
import { rooms, type AppServer } from '../core/types.js';
import type { Pseudonyms } from '../identity/pseudonyms.js';
import type { AuditLogStore } from './audit.js';
import { createContentDirectory } from './content.js';
import { createEntrance } from './entrance.js';
import type { FilterRule } from './filter.js';
import { createFilterPart } from './filter-part.js';
import type { AppealsPart, DecideInput, ModerationCore, Recorder } from './parts.js';
import type { ContentSummary, ModerationPipeline } from './pipeline-types.js';
import type { PersonalInfoScreen } from './personal-info.js';
import { createQueuePart } from './queue-part.js';
import { excerpt, FLAGS_ACTOR } from './rules.js';
import { createSanctionsPart } from './sanction-part.js';
import type { ModerationStores } from './store.js';

export { MOD_ROOM } from './queue-part.js';

export interface ModerationDeps {
  io: AppServer;
  stores: ModerationStores;
  audit: AuditLogStore;
  limits: RateLimits;
  log: Logger;
  /** The pseudonym of a person in a place, as the place shows staff. */
  pseudonyms: Pseudonyms;
  /** Tells every node that a person's sanctions changed, so their cached ones are read again. */
  sanctionsChanged?: (userId: string) => void;
  /** Entries from the configuration; they hold and cannot be removed from the console. */
  staticRules: FilterRule[];
  /** The department's own public numbers and addresses, which personal-information screening lets through. */
  personalInfo: PersonalInfoScreen;
}

/**
 * Moderation's parts, each over its own store, and the two paths through them: `admit` (the
 * features' entrance, in entrance.ts) and `decide` (every decision on an item).
 */
export function createModerationCore(deps: ModerationDeps): ModerationCore {
  const { io, stores, audit, log } = deps;
  const record: Recorder = async (actor, action, target, reason, note) => {
    await audit.append({ at: Date.now(), actorId: actor.id, actorName: actor.displayName, action, target, reason, note });
  };
  const content = createContentDirectory(deps.pseudonyms);
  const queue = createQueuePart({ io, store: stores.queue, appeals: stores.appeals, adapters: content.adapters, pseudonyms: deps.pseudonyms });
  const filter = createFilterPart({ io, store: stores.filter, record, staticRules: deps.staticRules });
  const sanctions = createSanctionsPart({ store: stores.sanctions, record, changed: deps.sanctionsChanged });
  const appeals: AppealsPart = {
    store: stores.appeals,
    async notify(item, action, reason, canAppeal, at = Date.now()) {
      const notice = await stores.appeals.addNotice({
        userId: item.authorId,
        ref: item.ref,
        action,
        reason,
        excerpt: excerpt(item.text),
        at,
        canAppeal,
      });
      io.to(rooms.user(item.authorId)).emit('mod:notice-sent', { notice });
    },
  };

  /**
   * CONFLICT when the item moved meanwhile: of two moderators racing, one wins. A moderator's
   * decision spends the flags so far: only people who flag it afterwards count toward hiding it
   * again (flags hiding it spend nothing).
   */
  async function decide(input: DecideInput): Promise<ContentSummary> {
    const { actor, item } = input;
    const now = Date.now();
    let updated = item;
    if (input.to !== null) {
      const moved = await content.adapterFor(item.ref).transition(item.ref.id, [item.status], input.to, {
        by: actor.id,
        at: now,
        reason: input.reason,
        note: input.note,
      });
      if (!moved) throw new CommandError(ErrorCode.CONFLICT, 'Someone already decided this item.');
      updated = moved;
    }
    if (actor.id !== FLAGS_ACTOR.id) await stores.queue.resetFlags(item.ref);
    await record(actor, input.action, refKey(item.ref), input.reason, input.note);
    if (input.notice) {
      const { action, canAppeal, reason = input.reason } = input.notice;
      await appeals.notify(item, action, reason, canAppeal, now);
    }
    if (input.requeue) await queue.enqueue({ ref: item.ref, place: item.place, ...input.requeue, submittedAt: now });
    else await queue.dequeue(item.ref, now);
    log.info({ ref: refKey(item.ref), action: input.action, moderator: actor.id }, 'moderation decision');
    return updated;
  }

  const pipeline: ModerationPipeline = {
    ...createEntrance({ content, filter, queue, sanctions, limits: deps.limits, personalInfo: deps.personalInfo }),
    recordAction: (actor, action, ref, note) => record(actor, action, refKey(ref), null, note),
    notifyAuthor: (item, action) => appeals.notify(item, action, null, false),
  };
  return { pipeline, content, filter, queue, sanctions, appeals, decide, record };
}
