// The one way content enters: every feature's writes come through `admit`.
import { CommandError, ErrorCode } from '../../shared/errors.js';
import { placeKey, type Place } from '../../shared/moderation.js';
import { isStaff } from '../../shared/roles.js';
import type { RateLimits } from '../core/rate-limit.js';
import type { ContentDirectory, FilterPart, QueuePart, SanctionsPart } from './parts.js';
import type { PersonalInfoScreen } from './personal-info.js';
import type { Admission, AdmittedFields, ModerationPipeline, StoredItem, Writer } from './pipeline-types.js';

/** How many (person, place) pairs a node remembers having recorded as taking part. */
const TOOK_PART_REMEMBERED = 50_000;

export function createEntrance(deps: {
  content: ContentDirectory;
  filter: FilterPart;
  queue: QueuePart;
  sanctions: SanctionsPart;
  limits: RateLimits;
  personalInfo: PersonalInfoScreen;
}): Omit<ModerationPipeline, 'recordAction' | 'notifyAuthor'> {
  const { filter, queue, sanctions } = deps;
  // Taking part is only ever added, so a pair remembered here never goes stale on any node;
  // it spares the store a write for every vote and message of someone already recorded.
  const recorded = new Set<string>();

  async function tookPart(userId: string, place: Place): Promise<void> {
    const key = `${userId} ${placeKey(place)}`;
    if (recorded.has(key)) return;
    await queue.store.markTookPart(userId, place);
    if (recorded.size >= TOOK_PART_REMEMBERED) recorded.delete(recorded.values().next().value!);
    recorded.add(key);
  }

  async function keepPace({ author, place }: Admission): Promise<void> {
    if (isStaff(author.role)) return;
    const seconds = await queue.store.getSlowMode(place);
    if (seconds <= 0) return;
    const key = placeKey(place);
    const outcome = await deps.limits.consume({ name: `mod:post-in-slow-mode:${seconds}`, points: 1, seconds }, `${key}:${author.id}`);
    if (!outcome.ok) {
      throw new CommandError(ErrorCode.RATE_LIMITED, `Slow mode: one message every ${seconds} s.`, {
        retryAfterMs: outcome.retryAfterMs,
      });
    }
  }

  async function screen(input: Admission): Promise<AdmittedFields> {
    await sanctions.requireAllowed(input.author, input.place.kind === 'townhall' ? input.place.id : null);
    await keepPace(input);
    const wordFilter = await filter.current();
    const matches = wordFilter.check(input.text);
    if (matches.some((m) => m.action === 'block')) {
      throw new CommandError(ErrorCode.INVALID_PAYLOAD, 'This contains words that are not allowed here.', { fields: ['text'] });
    }
    await tookPart(input.author.id, input.place);
    const text = matches.some((m) => m.action === 'mask') ? wordFilter.mask(input.text) : input.text;
    const filterHits = matches.filter((m) => m.action === 'hold').map(({ source, term }) => ({ source, term }));
    // Before the word filter's reason: it is the one the author can act on. Staff too, as the
    // word filter does; the department's own numbers and addresses are on the allow-list.
    if ((await deps.personalInfo.kinds(text)).length) return { text, status: 'held', holdReason: 'personal-information', filterHits };
    if (filterHits.length) return { text, status: 'held', holdReason: 'filter', filterHits };
    if (input.mode === 'pre' && !isStaff(input.author.role)) return { text, status: 'held', holdReason: 'premoderation', filterHits };
    return { text, status: 'published', holdReason: null, filterHits };
  }

  return {
    registerKind: (adapter) => deps.content.register(adapter),
    async admit<T>(admission: Admission, write: Writer<T>, stored?: (result: T) => StoredItem | null): Promise<T> {
      const result = await write(await screen(admission));
      const item = stored ? stored(result) : (result as StoredItem | null);
      if (item?.status === 'held') {
        await queue.enqueue({
          ref: { kind: admission.kind, id: item.id },
          place: item.place ?? admission.place,
          reason: 'held',
          flags: 0,
          submittedAt: item.createdAt,
        });
      }
      return result;
    },
    requireAllowed: (user, townHallId) => sanctions.requireAllowed(user, townHallId),
    slowMode: (place) => queue.store.getSlowMode(place),
    tookPart,
  };
}
