import { CommandError, ErrorCode } from '../../shared/errors.js';
import { refKey } from '../../shared/moderation.js';
import {
  Empty,
  ModAppeal,
  ModAuditPage,
  ModDecide,
  ModDecideAppeal,
  ModFilterAdd,
  ModFilterRemove,
  ModFlag,
  ModLift,
  ModRef,
  ModRevealAuthor,
  ModSanction,
  ModSlowMode,
  ModUser,
  type QueueItemView,
} from '../../shared/moderation-events.js';
import { canConfigureRoom, canModerate, canRevealAuthor } from '../../shared/roles.js';
import { commandBinder, type CommandDeps } from '../core/command.js';
import type { RateRule } from '../core/rate-limit.js';
import { rooms } from '../core/types.js';
import type { IdentityService } from '../identity/service.js';
import { requireHost } from '../townhall/access.js';
import type { TownHallService } from '../townhall/service.js';
import { MOD_ROOM, type ModerationCore } from './pipeline.js';
import type { ContentSummary } from './pipeline-types.js';
import { APPEALABLE, flagCounts, flagsMayHide, FLAGS_ACTOR, MOVES, NOTIFIED, placeKey, townHallPlace } from './rules.js';
import type { ModerationStore } from './store.js';
import type { AuditLogStore } from './audit.js';
import { appealView, resolveTarget, sanctionTarget, sanctionView, userPanel } from './targets.js';

const LIMITS = {
  flag: { name: 'mod:flag', points: 10, seconds: 60 },
  appeal: { name: 'mod:appeal', points: 5, seconds: 600 },
  read: { name: 'mod:read', points: 20, seconds: 10 },
  staff: { name: 'mod:staff', points: 30, seconds: 1 },
} satisfies Record<string, RateRule>;

/** How long a claim keeps an item for one moderator before others may take it. */
const CLAIM_MS = 2 * 60_000;

export interface ModerationHandlerDeps extends CommandDeps {
  core: ModerationCore;
  store: ModerationStore;
  audit: AuditLogStore;
  identity: IdentityService;
  /** Whether a flagger is a guest or holds an account, and since when. */
  accounts: { getUser(id: string): Promise<{ kind: 'guest' | 'account'; createdAt: number } | null> };
  townHalls: TownHallService;
  /** Distinct counting flags that hide an item pending review. */
  flagThreshold: number;
  /** How old an account must be for its flags to count where its holder did not take part. */
  flagAccountAgeMs: number;
}

/** Wires the `mod:` commands: flags, notices and appeals for everyone; the console for moderators. */
export function registerModeration(deps: ModerationHandlerDeps): void {
  const { io, core, store } = deps;
  const moderator = (user: { role: Parameters<typeof canModerate>[0] }) => canModerate(user.role);

  /** Shows the console an entry whose claim changed, and answers with its view. */
  const announceClaim = async (entry: Awaited<ReturnType<ModerationStore['getQueueEntry']>>): Promise<QueueItemView> => {
    const view = entry ? await core.views.view(entry) : null;
    if (!view) throw new CommandError(ErrorCode.NOT_FOUND, 'That item is not in the queue.');
    io.to(MOD_ROOM).emit('mod:queue-changed', { item: view });
    return view;
  };

  /** Flags may hide it: not in an ended town hall, and not written by staff. */
  const flagsMayHideItem = async (item: ContentSummary): Promise<boolean> => {
    const [townHall, author] = await Promise.all([
      item.place.kind === 'townhall' ? deps.townHalls.require(item.place.id) : null,
      deps.identity.sessionUser(item.authorId),
    ]);
    return flagsMayHide({ placeEnded: townHall?.status === 'ended', authorRole: author?.role ?? null });
  };

  const bind = commandBinder(deps);

  // Every flag is a report that puts the item before moderators; only counting flags (see
  // `flagCounts`) take it down, and the acknowledgement is the same either way.
  bind('mod:flag', {
    schema: ModFlag,
    limit: LIMITS.flag,
    async run({ user, socket }, { ref, reason }) {
      const item = await core.describe(ref);
      if (item.status !== 'published' && item.status !== 'hidden') throw new CommandError(ErrorCode.NOT_FOUND, 'No such item.');
      if (item.authorId === user.id) throw new CommandError(ErrorCode.CONFLICT, 'You cannot flag your own post.');
      const townHallId = item.place.kind === 'townhall' ? item.place.id : null;
      await core.requireAllowed(user, townHallId);
      const place = placeKey(item.place);
      const [tookPart, account] = await Promise.all([store.tookPart(user.id, place), deps.accounts.getUser(user.id)]);
      const counts = flagCounts({
        // Forum threads have no joining: taking part is replying there.
        joined: townHallId === null || socket.data.townHalls.includes(townHallId),
        tookPart,
        account,
        now: Date.now(),
        accountAgeMs: deps.flagAccountAgeMs,
      });
      const { added, count } = await store.addFlag(ref, user.id, reason, counts);
      if (!added) return { flagged: true as const };
      const hides =
        counts &&
        item.status === 'published' &&
        (await store.countingFlagCount(ref)) >= deps.flagThreshold &&
        (await flagsMayHideItem(item));
      if (hides) {
        // Enough people who took part flagged it: it leaves public view until a moderator looks.
        await core
          .applyDecision({
            actor: FLAGS_ACTOR,
            item,
            to: 'hidden',
            action: 'flag-hide',
            reason,
            note: `${count} flags`,
            notice: { action: 'hide', canAppeal: false },
            requeue: { place, reason: 'flagged', flags: count },
          })
          // Another flag hid it a moment before: it is in the queue already.
          .catch((err: unknown) => {
            if (!(err instanceof CommandError && err.code === ErrorCode.CONFLICT)) throw err;
          });
      } else {
        await core.publishEntry(await store.enqueue({ ref, place, reason: 'flagged', flags: count, submittedAt: Date.now() }));
      }
      return { flagged: true as const };
    },
  });

  bind('mod:notices', {
    schema: Empty,
    limit: LIMITS.read,
    run: ({ user }) => store.noticesFor(user.id, 50),
  });

  bind('mod:appeal', {
    schema: ModAppeal,
    limit: LIMITS.appeal,
    async run({ user }, { ref, text }) {
      const item = await core.describe(ref);
      if (item.authorId !== user.id) throw new CommandError(ErrorCode.FORBIDDEN, 'Only the author can appeal.');
      if (!APPEALABLE.includes(item.status) || !item.decision) {
        throw new CommandError(ErrorCode.CONFLICT, 'There is no decision on this item to appeal.');
      }
      const appeal = await store.createAppeal({ ref, authorId: user.id, text, at: Date.now(), appealedDecisionBy: item.decision.by });
      if (!appeal) throw new CommandError(ErrorCode.CONFLICT, 'You have already appealed this decision.');
      await store.closeAppealOnNotices(user.id, ref);
      await core.publishEntry(
        await store.enqueue({ ref, place: placeKey(item.place), reason: 'appealed', flags: 0, submittedAt: appeal.at }),
      );
      return appeal;
    },
  });

  bind('mod:watch-queue', {
    schema: Empty,
    allow: moderator,
    limit: LIMITS.read,
    async run({ socket }) {
      await socket.join(MOD_ROOM);
      const entries = await store.listQueue();
      const items = (await Promise.all(entries.map((e) => core.views.view(e)))).filter((v) => v !== null);
      return { items, stats: await core.views.stats(), filter: await store.listFilterEntries() };
    },
  });

  bind('mod:claim', {
    schema: ModRef,
    allow: moderator,
    limit: LIMITS.staff,
    async run({ user }, { ref }) {
      const now = Date.now();
      const claimed = await store.claim(ref, { id: user.id, name: user.displayName }, now + CLAIM_MS, now);
      if (!claimed) {
        const entry = await store.getQueueEntry(ref);
        if (!entry) throw new CommandError(ErrorCode.NOT_FOUND, 'That item is not in the queue.');
        throw new CommandError(ErrorCode.CONFLICT, `${entry.claim?.byName ?? 'Another moderator'} is working on this item.`);
      }
      return announceClaim(claimed);
    },
  });

  bind('mod:release', {
    schema: ModRef,
    allow: moderator,
    limit: LIMITS.staff,
    async run({ user }, { ref }) {
      const released = await store.release(ref, user.id);
      if (!released) throw new CommandError(ErrorCode.CONFLICT, 'You are not working on this item.');
      return announceClaim(released);
    },
  });

  bind('mod:decide', {
    schema: ModDecide,
    allow: moderator,
    limit: LIMITS.staff,
    async run({ user }, { ref, action, reason, note }) {
      const item = await core.describe(ref);
      const move = MOVES[action];
      if (!move.from.includes(item.status)) {
        throw new CommandError(ErrorCode.CONFLICT, `This item is ${item.status}; it cannot be given that decision.`);
      }
      const entry = await store.getQueueEntry(ref);
      if (entry?.claim && entry.claim.by !== user.id && entry.claim.until > Date.now()) {
        throw new CommandError(ErrorCode.CONFLICT, `${entry.claim.byName} is working on this item.`);
      }
      const noticeAction = NOTIFIED[action];
      const updated = await core.applyDecision({
        actor: user,
        item,
        to: move.to,
        action,
        reason: reason ?? null,
        note: note ?? null,
        notice: noticeAction ? { action: noticeAction, canAppeal: APPEALABLE.includes(move.to) } : null,
        // Hidden means "pending review": it stays in the queue until someone decides it.
        ...(action === 'hide'
          ? { requeue: { place: placeKey(item.place), reason: 'hidden' as const, flags: entry?.flags ?? 0 } }
          : {}),
      });
      return { status: updated.status };
    },
  });

  bind('mod:decide-appeal', {
    schema: ModDecideAppeal,
    allow: moderator,
    limit: LIMITS.staff,
    async run({ user }, { ref, outcome, note }) {
      const appeal = await store.getAppeal(ref);
      if (!appeal) throw new CommandError(ErrorCode.NOT_FOUND, 'There is no appeal on this item.');
      if (appeal.appealedDecisionBy === user.id) {
        throw new CommandError(ErrorCode.FORBIDDEN, 'A different moderator must decide an appeal against your decision.');
      }
      const item = await core.describe(ref);
      const decided = await store.decideAppeal(ref, outcome, user.id, Date.now());
      if (!decided) throw new CommandError(ErrorCode.CONFLICT, 'This appeal has already been decided.');
      const action = outcome === 'restored' ? 'appeal-restored' : 'appeal-upheld';
      if (outcome === 'restored') {
        await core.applyDecision({
          actor: user,
          item,
          to: 'published',
          action,
          reason: null,
          note: note ?? null,
          notice: { action, canAppeal: false },
        });
      } else {
        await store.resetFlags(ref);
        await core.record(user, action, refKey(ref), null, note ?? null);
        await core.notify(item, action, item.decision?.reason ?? null, false);
        await core.dequeue(ref);
      }
      return appealView(decided);
    },
  });

  bind('mod:sanction', {
    schema: ModSanction,
    allow: moderator,
    limit: LIMITS.staff,
    async run({ user }, input) {
      const target = await resolveTarget(input.target, core, deps.identity);
      if (target.role !== 'resident') throw new CommandError(ErrorCode.FORBIDDEN, 'Staff accounts cannot be sanctioned.');
      if (input.townHallId) await deps.townHalls.require(input.townHallId);
      const at = Date.now();
      const sanction = await store.addSanction({
        userId: target.id,
        kind: input.kind,
        townHallId: input.townHallId ?? null,
        until: input.minutes ? at + input.minutes * 60_000 : null,
        reason: input.reason,
        note: input.note ?? null,
        by: user.id,
        at,
        alias: target.alias,
      });
      core.sanctions.forget(target.id);
      core.sanctioned(sanction);
      const scope = input.townHallId ? `townhall:${input.townHallId}` : 'site';
      await core.record(user, input.kind, sanctionTarget(sanction), input.reason, `${scope}${input.minutes ? `, ${input.minutes} min` : ''}${input.note ? `: ${input.note}` : ''}`);
      return sanctionView(sanction);
    },
  });

  bind('mod:lift', {
    schema: ModLift,
    allow: moderator,
    limit: LIMITS.staff,
    async run({ user }, { sanctionId }) {
      const lifted = await store.liftSanction(sanctionId, user.id, Date.now());
      if (!lifted) throw new CommandError(ErrorCode.NOT_FOUND, 'No such active sanction.');
      core.sanctions.forget(lifted.userId);
      await core.record(user, 'lift', sanctionTarget(lifted), null, `${lifted.kind} ${lifted.id}`);
      return sanctionView(lifted);
    },
  });

  bind('mod:user', {
    schema: ModUser,
    allow: moderator,
    limit: LIMITS.read,
    run: async (_ctx, { target }) => userPanel(await resolveTarget(target, core, deps.identity), core, store),
  });

  bind('mod:reveal-author', {
    schema: ModRevealAuthor,
    allow: (user) => canRevealAuthor(user.role),
    limit: LIMITS.staff,
    async run({ user }, { ref, reason }) {
      const item = await core.describe(ref);
      if (!item.anonymous) throw new CommandError(ErrorCode.CONFLICT, 'This item is not anonymous: its author is shown already.');
      const author = await deps.identity.sessionUser(item.authorId);
      if (!author) throw new CommandError(ErrorCode.NOT_FOUND, 'No such person.');
      // On the record before the answer leaves: a reveal is never unaccounted for.
      await core.record(user, 'reveal', refKey(ref), reason, null);
      return { userId: author.id, displayName: author.displayName };
    },
  });

  bind('mod:filter-add', {
    schema: ModFilterAdd,
    allow: moderator,
    limit: LIMITS.staff,
    async run({ user }, { term, action }) {
      const entry = await store.addFilterEntry({ term: term.toLowerCase(), action, createdBy: user.displayName });
      if (!entry) throw new CommandError(ErrorCode.CONFLICT, 'That word is on the list already.');
      await core.record(user, 'filter-add', `filter:${entry.term}`, null, action);
      await core.broadcastFilter();
      return entry;
    },
  });

  bind('mod:filter-remove', {
    schema: ModFilterRemove,
    allow: moderator,
    limit: LIMITS.staff,
    async run({ user }, { id }) {
      const entry = await store.removeFilterEntry(id);
      if (!entry) throw new CommandError(ErrorCode.NOT_FOUND, 'No such entry.');
      await core.record(user, 'filter-remove', `filter:${entry.term}`, null, entry.action);
      await core.broadcastFilter();
      return entry;
    },
  });

  bind('mod:set-slow-mode', {
    schema: ModSlowMode,
    allow: (user) => canConfigureRoom(user.role),
    limit: LIMITS.staff,
    async run({ user }, { townHallId, seconds }) {
      const townHall = await deps.townHalls.require(townHallId);
      // Moderators keep the room's pace everywhere; otherwise it is the hosts' room to run.
      if (!canModerate(user.role)) requireHost(townHall, user, 'set its slow mode');
      await store.setSlowMode(townHallPlace(townHallId), seconds);
      await core.record(user, 'slow-mode', `townhall:${townHallId}`, null, `${seconds} s`);
      io.to(rooms.townHall(townHallId)).emit('mod:slow-mode-changed', { townHallId, seconds });
      return { seconds };
    },
  });

  bind('mod:audit', {
    schema: ModAuditPage,
    allow: moderator,
    limit: LIMITS.read,
    async run(_ctx, { afterSeq, limit }) {
      const entries = await deps.audit.list(afterSeq, limit);
      return entries.map(({ seq, at, actorName, action, target, reason, note, hash }) => ({
        seq,
        at,
        actorName,
        action,
        target,
        reason,
        note,
        hash,
      }));
    },
  });

}
