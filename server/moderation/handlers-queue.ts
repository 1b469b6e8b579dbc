import { CommandError, ErrorCode } from '../../shared/errors.js';
import { placeKey, townHallPlace } from '../../shared/moderation.js';
import { Empty, ModDecide, ModFlag, ModRef, ModSlowMode, type QueueItemView } from '../../shared/moderation-events.js';
import { canConfigureRoom, canModerate } from '../../shared/roles.js';
import type { Bind } from '../core/command.js';
import { requireHost } from '../townhall/access.js';
import { isModerator, RATES, type ModerationHandlerDeps } from './handler-deps.js';
import type { ContentSummary } from './pipeline-types.js';
import { MOD_ROOM } from './queue-part.js';
import type { QueueEntry } from './queue-store.js';
import { APPEALABLE, flagCounts, flagsMayHide, FLAGS_ACTOR, MOVES, NOTIFIED } from './rules.js';

/** How long a claim keeps an item for one moderator before others may take it. */
const CLAIM_MS = 2 * 60_000;

/** Flags from everyone; the queue, claims, decisions and each room's slow mode for staff. */
export function registerQueueHandlers(deps: ModerationHandlerDeps, bind: Bind): void {
  const { io, core } = deps;
  const { queue } = core;

  /** Shows the console an entry whose claim changed, and answers with its view. */
  const announceClaim = async (entry: QueueEntry | null): Promise<QueueItemView> => {
    const view = entry ? await queue.view(entry) : null;
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


  // Every flag is a report that puts the item before moderators; only counting flags (see
  // `flagCounts`) take it down, and the acknowledgement is the same either way.
  bind('mod:flag', {
    schema: ModFlag,
    limit: RATES.flag,
    async run({ user, socket }, { ref, reason }) {
      const item = await core.content.describe(ref);
      if (item.status !== 'published' && item.status !== 'hidden') throw new CommandError(ErrorCode.NOT_FOUND, 'No such item.');
      if (item.authorId === user.id) throw new CommandError(ErrorCode.CONFLICT, 'You cannot flag your own post.');
      const townHallId = item.place.kind === 'townhall' ? item.place.id : null;
      await core.sanctions.requireAllowed(user, townHallId);
      const [tookPart, account] = await Promise.all([queue.store.tookPart(user.id, item.place), deps.accounts.getUser(user.id)]);
      const counts = flagCounts({
        // Forum threads have no joining: taking part is replying there.
        joined: townHallId === null || socket.data.townHalls.includes(townHallId),
        tookPart,
        account,
        now: Date.now(),
        accountAgeMs: deps.flagAccountAgeMs,
      });
      const { added, count } = await queue.store.addFlag(ref, user.id, reason, counts);
      if (!added) return { flagged: true as const };
      const hides =
        counts &&
        item.status === 'published' &&
        (await queue.store.countingFlagCount(ref)) >= deps.flagThreshold &&
        (await flagsMayHideItem(item));
      if (hides) {
        // Enough people who took part flagged it: it leaves public view until a moderator looks.
        await core
          .decide({
            actor: FLAGS_ACTOR,
            item,
            to: 'hidden',
            action: 'flag-hide',
            reason,
            note: `${count} flags`,
            notice: { action: 'hide', canAppeal: false },
            requeue: { reason: 'flagged', flags: count },
          })
          // Another flag hid it a moment before: it is in the queue already.
          .catch((err: unknown) => {
            if (!(err instanceof CommandError && err.code === ErrorCode.CONFLICT)) throw err;
          });
      } else {
        await queue.enqueue({ ref, place: item.place, reason: 'flagged', flags: count, submittedAt: Date.now() });
      }
      return { flagged: true as const };
    },
  });

  bind('mod:watch-queue', {
    schema: Empty,
    allow: isModerator,
    limit: RATES.read,
    async run({ socket }) {
      await socket.join(MOD_ROOM);
      const entries = await queue.store.listQueue();
      const items = (await Promise.all(entries.map((e) => queue.view(e)))).filter((v) => v !== null);
      return { items, stats: await queue.stats(), filter: await core.filter.store.listFilterEntries() };
    },
  });

  // Leaving the console stops its facts on this connection (the app keeps one connection for every
  // page). Anyone may leave: a moderator demoted meanwhile must not stay subscribed.
  bind('mod:unwatch-queue', {
    schema: Empty,
    limit: RATES.read,
    async run({ socket }) {
      await socket.leave(MOD_ROOM);
      return null;
    },
  });

  bind('mod:claim', {
    schema: ModRef,
    allow: isModerator,
    limit: RATES.staff,
    async run({ user }, { ref }) {
      const now = Date.now();
      const claimed = await queue.store.claim(ref, { id: user.id, name: user.displayName }, now + CLAIM_MS, now);
      if (!claimed) {
        const entry = await queue.store.getQueueEntry(ref);
        if (!entry) throw new CommandError(ErrorCode.NOT_FOUND, 'That item is not in the queue.');
        throw new CommandError(ErrorCode.CONFLICT, `${entry.claim?.byName ?? 'Another moderator'} is working on this item.`);
      }
      return announceClaim(claimed);
    },
  });

  bind('mod:release', {
    schema: ModRef,
    allow: isModerator,
    limit: RATES.staff,
    async run({ user }, { ref }) {
      const released = await queue.store.release(ref, user.id);
      if (!released) throw new CommandError(ErrorCode.CONFLICT, 'You are not working on this item.');
      return announceClaim(released);
    },
  });

  bind('mod:decide', {
    schema: ModDecide,
    allow: isModerator,
    limit: RATES.staff,
    async run({ user }, { ref, action, reason, note }) {
      const item = await core.content.describe(ref);
      const move = MOVES[action];
      if (!move.from.includes(item.status)) {
        throw new CommandError(ErrorCode.CONFLICT, `This item is ${item.status}; it cannot be given that decision.`);
      }
      const entry = await queue.store.getQueueEntry(ref);
      if (entry?.claim && entry.claim.by !== user.id && entry.claim.until > Date.now()) {
        throw new CommandError(ErrorCode.CONFLICT, `${entry.claim.byName} is working on this item.`);
      }
      const noticeAction = NOTIFIED[action];
      const updated = await core.decide({
        actor: user,
        item,
        to: move.to,
        action,
        reason: reason ?? null,
        note: note ?? null,
        notice: noticeAction ? { action: noticeAction, canAppeal: APPEALABLE.includes(move.to) } : null,
        // Hidden means "pending review": it stays in the queue until someone decides it.
        ...(action === 'hide' ? { requeue: { reason: 'hidden' as const, flags: entry?.flags ?? 0 } } : {}),
      });
      return { status: updated.status };
    },
  });

  bind('mod:set-slow-mode', {
    schema: ModSlowMode,
    allow: (user) => canConfigureRoom(user.role),
    limit: RATES.staff,
    async run({ user }, { townHallId, seconds }) {
      const townHall = await deps.townHalls.require(townHallId);
      // Moderators keep the room's pace everywhere; otherwise it is the hosts' room to run.
      if (!canModerate(user.role)) requireHost(townHall, user, 'set its slow mode');
      const place = townHallPlace(townHallId);
      await queue.store.setSlowMode(place, seconds);
      await core.record(user, 'slow-mode', placeKey(place), null, `${seconds} s`);
      deps.room.publish(townHallId, 'mod:slow-mode-changed', { townHallId, seconds });
      return { seconds };
    },
  });
}
