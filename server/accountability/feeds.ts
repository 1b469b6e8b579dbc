// The Atom feeds (RFC 4287) of what the department did after its town halls: per town hall, its
// follow-ups' answers, referrals and closures and its commitments' updates; for the department,
// every commitment's updates. Pure: views in, XML out. Written with the `feed` package rather
// than by hand, so the XML, its escaping and the Atom elements are a kept library's job.
import { Feed, type Item } from 'feed';
import type { CloseReason, CommitmentStatus, CommitmentView, FollowUpView } from '../../shared/followups.js';
import type { TownHall } from '../../shared/townhall.js';

export type FeedLocale = 'en' | 'es';

/** The newest entries a feed carries; older ones stay on the record and commitments pages. */
export const MAX_FEED_ENTRIES = 200;

const LABELS = {
  en: {
    townHallFeed: (title: string) => `${title}: follow-ups and commitments`,
    townHallSubtitle: 'Answers given after the town hall, questions referred or closed, and the commitments made there.',
    commitmentsFeed: 'Commitments of the department',
    commitmentsSubtitle: 'Every commitment made at or after a town hall, and every update to it.',
    answered: 'Answered after the town hall',
    referred: (to: string) => `Referred to ${to}`,
    closed: (reason: string) => `Closed: ${reason}`,
    question: 'Question',
    created: 'New commitment',
    due: (day: string) => `Due ${day}`,
    update: 'Update',
    status: { planned: 'Planned', 'in-progress': 'In progress', done: 'Done', dropped: 'Dropped' } satisfies Record<CommitmentStatus, string>,
    reasons: {
      duplicate: 'duplicate',
      'already-answered': 'already answered',
      'outside-remit': "outside the police's remit",
      'open-case': 'cannot comment on an open case',
      'personal-matter': 'a personal matter',
    } satisfies Record<CloseReason, string>,
  },
  es: {
    townHallFeed: (title: string) => `${title}: seguimiento y compromisos`,
    townHallSubtitle: 'Respuestas dadas después de la reunión, preguntas remitidas o cerradas, y los compromisos asumidos en ella.',
    commitmentsFeed: 'Compromisos del departamento',
    commitmentsSubtitle: 'Cada compromiso asumido en una reunión o después, y cada novedad.',
    answered: 'Respondida después de la reunión',
    referred: (to: string) => `Remitida a ${to}`,
    closed: (reason: string) => `Cerrada: ${reason}`,
    question: 'Pregunta',
    created: 'Nuevo compromiso',
    due: (day: string) => `Vence el ${day}`,
    update: 'Novedad',
    status: { planned: 'Previsto', 'in-progress': 'En curso', done: 'Cumplido', dropped: 'Abandonado' } satisfies Record<CommitmentStatus, string>,
    reasons: {
      duplicate: 'duplicada',
      'already-answered': 'ya respondida',
      'outside-remit': 'fuera de la competencia de la policía',
      'open-case': 'no se puede comentar un caso abierto',
      'personal-matter': 'un asunto personal',
    } satisfies Record<CloseReason, string>,
  },
} as const;

/**
 * The `feed` package marks titles, summaries and content as HTML: officers' and residents' text
 * is escaped so a reader shows it as written, never as markup (this also keeps `]]>` out of the
 * CDATA sections it writes).
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const paragraphs = (...parts: (string | null)[]) =>
  parts
    .filter((p): p is string => p !== null && p !== '')
    .map((p) => `<p>${escapeHtml(p).replace(/\r?\n/g, '<br/>')}</p>`)
    .join('');

interface Entry {
  id: string;
  at: number;
  title: string;
  link: string;
  byName: string;
  content: string;
}

export interface FeedSite {
  /** The public address of the site, without a trailing slash: ids and links are absolute. */
  baseUrl: string;
  /** Who publishes the feeds (the feed's author when an entry names none). */
  siteName: string;
  locale: FeedLocale;
}

function followUpEntries(followUps: readonly FollowUpView[], site: FeedSite): Entry[] {
  const l = LABELS[site.locale];
  return followUps.flatMap((f): Entry[] => {
    // Follow-ups are keyed by question and never reopened: one entry per question, under a lasting id.
    const link = `${site.baseUrl}/townhalls/${f.townHallId}/record#question-${f.questionId}`;
    const id = `${site.baseUrl}/townhalls/${f.townHallId}/record#follow-up-${f.questionId}`;
    const asked = `${l.question}: ${f.questionText}`;
    if (f.status === 'answered' && f.answer) {
      return [{ id, link, at: f.answer.at, title: `${l.answered}: ${f.questionText}`, byName: f.answer.byName, content: paragraphs(asked, f.answer.text) }];
    }
    if (f.status === 'referred' && f.referral) {
      const title = l.referred(f.referral.to);
      return [{ id, link, at: f.referral.at, title: `${title}: ${f.questionText}`, byName: f.referral.byName, content: paragraphs(asked, title, f.referral.note) }];
    }
    if (f.status === 'closed' && f.closure) {
      const title = l.closed(l.reasons[f.closure.reason]);
      return [{ id, link, at: f.closure.at, title: `${title}: ${f.questionText}`, byName: f.closure.byName, content: paragraphs(asked, title, f.closure.detail) }];
    }
    return [];
  });
}

function commitmentEntries(commitments: readonly CommitmentView[], site: FeedSite): Entry[] {
  const l = LABELS[site.locale];
  return commitments.flatMap((c) => {
    const link = `${site.baseUrl}/commitments#commitment-${c.id}`;
    const created: Entry = {
      id: `${site.baseUrl}/commitments/${c.id}`,
      link,
      at: c.createdAt,
      title: `${l.created}: ${c.text}`,
      byName: c.createdByName,
      content: paragraphs(c.text, l.due(c.dueDate)),
    };
    // Updates are only ever appended, so an update's place in the list is a lasting id.
    const updates = c.updates.map((u, i): Entry => {
      const status = u.status === null ? l.update : l.status[u.status];
      return {
        id: `${site.baseUrl}/commitments/${c.id}/updates/${i + 1}`,
        link,
        at: u.at,
        title: `${status}: ${c.text}`,
        byName: u.byName,
        content: paragraphs(u.text, `${l.created}: ${c.text}`, l.due(c.dueDate)),
      };
    });
    return [created, ...updates];
  });
}

function render(meta: { id: string; title: string; subtitle: string; alternate: string; self: string; fallbackUpdated: number }, entries: Entry[], site: FeedSite): string {
  // Newest first, ties in a fixed order so the same records always give the same document.
  const newest = [...entries].sort((a, b) => b.at - a.at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)).slice(0, MAX_FEED_ENTRIES);
  const feed = new Feed({
    id: meta.id,
    title: meta.title,
    description: meta.subtitle,
    link: meta.alternate,
    feed: meta.self,
    // The last change the feed reports, not the moment it was read: a reader polling an unchanged feed sees it unchanged.
    updated: new Date(newest[0]?.at ?? meta.fallbackUpdated),
    author: { name: site.siteName },
    generator: 'Roundtable',
  });
  for (const e of newest) {
    const item: Item = {
      id: e.id,
      title: escapeHtml(e.title),
      link: e.link,
      date: new Date(e.at),
      published: new Date(e.at),
      content: e.content,
      author: [{ name: e.byName }],
    };
    feed.addItem(item);
  }
  return feed.atom1();
}

/** A town hall's feed: its follow-ups' outcomes and its commitments' updates. */
export function townHallFeed(
  townHall: Pick<TownHall, 'id' | 'title' | 'createdAt' | 'endedAt'>,
  followUps: readonly FollowUpView[],
  commitments: readonly CommitmentView[],
  site: FeedSite,
): string {
  const l = LABELS[site.locale];
  const page = `${site.baseUrl}/townhalls/${townHall.id}/record`;
  return render(
    {
      id: `${site.baseUrl}/townhalls/${townHall.id}`,
      title: l.townHallFeed(townHall.title),
      subtitle: l.townHallSubtitle,
      alternate: page,
      self: `${site.baseUrl}/townhalls/${townHall.id}/feed.atom${site.locale === 'es' ? '?lang=es' : ''}`,
      fallbackUpdated: townHall.endedAt ?? townHall.createdAt,
    },
    [
      ...followUpEntries(followUps.filter((f) => f.townHallId === townHall.id), site),
      ...commitmentEntries(commitments.filter((c) => c.townHallId === townHall.id), site),
    ],
    site,
  );
}

/** The department's commitments feed: every commitment's creation and updates. */
export function commitmentsFeed(commitments: readonly CommitmentView[], site: FeedSite): string {
  const l = LABELS[site.locale];
  return render(
    {
      id: `${site.baseUrl}/commitments`,
      title: l.commitmentsFeed,
      subtitle: l.commitmentsSubtitle,
      alternate: `${site.baseUrl}/commitments`,
      self: `${site.baseUrl}/commitments/feed.atom${site.locale === 'es' ? '?lang=es' : ''}`,
      // No commitment yet: nothing has changed since the epoch.
      fallbackUpdated: 0,
    },
    commitmentEntries(commitments, site),
    site,
  );
}
