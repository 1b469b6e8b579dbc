// The record as files people take away: JSON for programs (the same object as the API), and one
// CSV table for spreadsheets, each row tagged with its section.
import type { PollResults } from '../../shared/polls.js';
import type { RecordPoll, RecordQuestion, TownHallRecordView } from '../../shared/record.js';
import { csvCell } from '../moderation/audit-export.js';

export const CSV_COLUMNS = [
  'section',
  'item',
  'outcome',
  'reason',
  'value',
  'time',
  'answered_at',
  'seconds_to_answer',
  'votes',
  'author',
  'author_role',
  'text',
  'answer',
  'answered_by',
  'topic',
  'topic_es',
  'merged_questions',
] as const;
type Column = (typeof CSV_COLUMNS)[number];
type Row = Partial<Record<Column, string | number | null>>;

const iso = (at: number | null | undefined) => (at === null || at === undefined ? null : new Date(at).toISOString());
const seconds = (ms: number | null) => (ms === null ? null : Math.round(ms / 1000));
const author = (q: RecordQuestion) => (q.anonymous ? 'Anonymous' : q.nameDropped ? 'Resident' : q.authorName);
const topicCells = (q: RecordQuestion): Row => ({ topic: q.topic?.name.en ?? null, topic_es: q.topic?.name.es ?? null });
/** A question under review has no text in the record; its row says why. */
const review = (q: RecordQuestion) => (q.underReview ? 'under-review' : null);

function pollRows(poll: RecordPoll): Row[] {
  const base = { section: 'poll', item: poll.id, outcome: poll.kind, text: poll.question, time: iso(poll.closedAt) };
  const label = (id: string) => poll.options.find((o) => o.id === id)?.label ?? id;
  const r: PollResults = poll.results;
  const rows: Row[] = [{ ...base, reason: 'ballots', value: r.ballots }];
  if (r.kind === 'single' || r.kind === 'multiple') {
    for (const o of poll.options) rows.push({ ...base, reason: 'option', answer: o.label, value: r.counts[o.id] ?? 0 });
  } else if (r.kind === 'rating') {
    for (const [value, count] of Object.entries(r.counts)) rows.push({ ...base, reason: 'rating', answer: value, value: count });
    rows.push({ ...base, reason: 'mean', value: r.mean });
  } else if (r.kind === 'ranked') {
    for (const o of poll.options) rows.push({ ...base, reason: 'first-preference', answer: o.label, value: r.firstPreferences[o.id] ?? 0 });
    for (const id of r.winners) rows.push({ ...base, reason: 'winner', answer: label(id), value: r.rounds.at(-1)?.counts[id] ?? 0 });
  } else if (r.kind === 'wordcloud') {
    for (const w of r.words) rows.push({ ...base, reason: 'word', answer: w.word, value: w.count });
  }
  return rows;
}

/** Every section the record publishes, as rows of one table. */
export function recordRows(record: TownHallRecordView): Row[] {
  const rows: Row[] = [
    { section: 'town_hall', item: record.townHall.id, text: record.townHall.title, time: iso(record.townHall.endedAt) },
  ];
  const q = record.questions;
  if (q) {
    const s = q.summary;
    const figures: [string, number | null][] = [
      ['received', s.received],
      ['answered', s.answered],
      ['answered_in_writing', s.answeredInWriting],
      ['answered_live', s.answeredLive],
      ['not_reached', s.notReached],
      ['removed', s.removed],
      ['held_never_reviewed', s.heldNeverReviewed],
      ['merged', s.merged],
      ['answered_share', s.answeredShare],
      ['median_seconds_to_answer', seconds(s.medianTimeToAnswerMs)],
    ];
    for (const [item, value] of figures) rows.push({ section: 'summary', item, value });
    for (const a of q.answered) {
      const how = a.answer && a.answeredLive ? 'answered-live-and-in-writing' : a.answer ? 'answered-in-writing' : 'answered-live';
      rows.push({
        section: 'question',
        item: a.id,
        outcome: how,
        reason: review(a),
        time: iso(a.askedAt),
        answered_at: iso(a.answeredAt),
        seconds_to_answer: seconds(a.timeToAnswerMs),
        votes: a.votes,
        author: author(a),
        author_role: a.authorRole,
        text: a.text,
        answer: a.answer?.text ?? null,
        answered_by: a.answer?.byName ?? null,
        ...topicCells(a),
        merged_questions: a.mergedCount,
      });
    }
    for (const n of q.notReached) {
      rows.push({
        section: 'question',
        item: n.id,
        outcome: 'not-reached',
        reason: review(n),
        time: iso(n.askedAt),
        votes: n.votes,
        author: author(n),
        author_role: n.authorRole,
        text: n.text,
        ...topicCells(n),
        merged_questions: n.mergedCount,
      });
    }
    for (const r of q.removedByReason) rows.push({ section: 'removed', item: r.reason, reason: r.reason, value: r.count });
  }
  for (const poll of record.polls ?? []) rows.push(...pollRows(poll));
  for (const line of record.chat ?? []) rows.push({ section: 'chat', time: iso(line.at), author: line.name ?? 'Resident', author_role: line.authorRole, text: line.text });
  for (const line of record.captions ?? []) rows.push({ section: 'caption', time: iso(line.at), author_role: line.authorRole, text: line.text });
  for (const m of record.moderation ?? []) rows.push({ section: 'moderation', item: m.action, reason: m.reason, value: m.count });
  return rows;
}

/** RFC 4180 with a header row and CRLF line ends; cells that could run as formulas are defused. */
export function recordToCsv(record: TownHallRecordView): string {
  const lines = [CSV_COLUMNS.map(csvCell), ...recordRows(record).map((row) => CSV_COLUMNS.map((c) => csvCell(row[c] ?? null)))];
  return lines.map((cells) => `${cells.join(',')}\r\n`).join('');
}

export const recordToJson = (record: TownHallRecordView): string => `${JSON.stringify(record, null, 2)}\n`;
