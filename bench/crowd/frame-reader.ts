// Reads what a crowd screen measures out of a Socket.IO event's bytes, without parsing the JSON:
// the facts of a `townhall:frame` found by their `["` and event name, the tallies' counts, and
// the sequence numbers in questions' and chat messages' texts. Every crowd screen gets the same
// frame in a tick, so the last frame read is kept: a screen whose frame is byte for byte that
// one (checked with one memcmp) takes its facts without reading it again.
import { CHAT_MARK, QUESTION_MARK, readInt, type Screen, type Tracker } from './measure.js';

/** What one event held, for one tracker's numbering of the questions voted on. */
export interface ReadFacts {
  /** Pairs of (voted-on question index, absolute count), flattened. */
  tallies: number[];
  questions: number[];
  chats: number[];
  /** Chat messages the frame says it left out. */
  skipped: number;
}

const bytes = (text: string) => Buffer.from(text);
/** `["` never occurs inside a JSON string (a quote there is escaped), so it starts an array of strings: in a frame, a fact. */
const FACT = bytes('["');
/** Where an event's name starts: after `42["`. */
export const EVENT_NAME_AT = 4;
export const NAMES = {
  frame: bytes('townhall:frame"'),
  resync: bytes('townhall:resync"'),
  tallied: bytes('qa:votes-tallied"'),
  question: bytes('qa:question-changed"'),
  chat: bytes('chat:message-posted"'),
  skipped: bytes('chat:messages-skipped"'),
};
const VOTES = bytes('"votes":{');
const COUNT = bytes('"count":');

/** Whether `name` is at `at`: a loop in JS, cheaper for these few bytes than a call into Buffer's native compare. */
export function nameAt(buf: Buffer, at: number, name: Buffer): boolean {
  if (at + name.length > buf.length) return false;
  for (let i = 0; i < name.length; i++) if (buf[at + i] !== name[i]) return false;
  return true;
}

let last: { bytes: Buffer; tracker: Tracker; facts: ReadFacts } | null = null;

/** The facts of a `townhall:frame` event. */
export function readFrame(data: Buffer, tracker: Tracker): ReadFacts {
  if (last && last.tracker === tracker && last.bytes.equals(data)) return last.facts;
  const facts: ReadFacts = { tallies: [], questions: [], chats: [], skipped: 0 };
  let at = data.indexOf(FACT, EVENT_NAME_AT + NAMES.frame.length);
  while (at >= 0) {
    const next = data.indexOf(FACT, at + FACT.length);
    readFact(data, at + FACT.length, next < 0 ? data.length : next, tracker, facts);
    at = next;
  }
  // Copied: the event's bytes are only lent (see wire.ts).
  last = { bytes: Buffer.from(data), tracker, facts };
  return facts;
}

/** An event that is one fact on its own (someone's own copy of their question or message). */
export function readEvent(data: Buffer, tracker: Tracker): ReadFacts {
  const facts: ReadFacts = { tallies: [], questions: [], chats: [], skipped: 0 };
  readFact(data, EVENT_NAME_AT, data.length, tracker, facts);
  return facts;
}

export function apply(screen: Screen, facts: ReadFacts, now: number): void {
  const tallies = facts.tallies;
  for (let i = 0; i < tallies.length; i += 2) screen.tally(tallies[i]!, tallies[i + 1]!, now);
  for (const seq of facts.questions) screen.question(seq, now);
  for (const seq of facts.chats) screen.chat(seq, now);
  if (facts.skipped) screen.skipped(facts.skipped);
}

/** The fact whose event name starts at `at`, its payload ending before `end`. */
function readFact(data: Buffer, at: number, end: number, tracker: Tracker, out: ReadFacts): void {
  if (nameAt(data, at, NAMES.tallied)) return readTally(data, at + NAMES.tallied.length, end, tracker, out);
  if (nameAt(data, at, NAMES.question)) {
    const mark = data.indexOf(QUESTION_MARK, at + NAMES.question.length);
    if (mark >= 0 && mark < end) out.questions.push(readInt(data, mark + 2));
    return;
  }
  if (nameAt(data, at, NAMES.chat)) {
    const mark = data.indexOf(CHAT_MARK, at + NAMES.chat.length);
    if (mark >= 0 && mark < end) out.chats.push(readInt(data, mark + 2));
    return;
  }
  if (nameAt(data, at, NAMES.skipped)) {
    const count = data.indexOf(COUNT, at + NAMES.skipped.length);
    if (count >= 0 && count < end) out.skipped += readInt(data, count + COUNT.length);
  }
}

/** Walks `"votes":{"<id>":<n>,…}` without building objects or strings. */
function readTally(data: Buffer, from: number, end: number, tracker: Tracker, out: ReadFacts): void {
  let i = data.indexOf(VOTES, from);
  if (i < 0 || i >= end) return;
  i += VOTES.length;
  while (i < end && data[i] === 0x22 /* " */) {
    let close = i + 1;
    while (close < end && data[close] !== 0x22) close++;
    const index = tracker.hotAt(data, i + 1, close);
    let count = 0;
    for (i = close + 2; i < end; i++) {
      const c = data[i]!;
      if (c < 48 || c > 57) break;
      count = count * 10 + (c - 48);
    }
    if (index >= 0) out.tallies.push(index, count);
    if (data[i] !== 0x2c /* , */) break;
    i++;
  }
}
