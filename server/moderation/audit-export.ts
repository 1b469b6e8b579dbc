// The moderation record as files people take away: CSV for spreadsheets, JSON for programs.
// Both carry every field, hashes included, so an export can be checked with verifyChain.
import type { AuditEntry } from './audit.js';
import { plainAuditEntry } from './audit-records.js';

const COLUMNS = ['seq', 'at', 'time', 'actorId', 'actorName', 'action', 'target', 'reason', 'note', 'prevHash', 'hash'] as const;

const cellsOf = (e: AuditEntry): (string | number | null)[] => [
  e.seq,
  e.at,
  new Date(e.at).toISOString(),
  e.actorId,
  e.actorName,
  e.action,
  e.target,
  e.reason,
  e.note,
  e.prevHash,
  e.hash,
];

// A spreadsheet runs a cell that starts with one of these as a formula; a leading quote makes
// it text. Tab and carriage return are on OWASP's list too: some programs strip them and then
// see the formula behind them.
const FORMULA_START = /^[=+\-@\t\r]/;

/** One CSV cell: text as is (null as empty), defused if it could run as a formula, quoted per RFC 4180 when needed. */
export function csvCell(value: string | number | null): string {
  let text = value === null ? '' : String(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** RFC 4180: a header row, CRLF line ends, quoted cells where needed. */
export function auditToCsv(entries: readonly AuditEntry[]): string {
  const rows = [COLUMNS.map(csvCell), ...entries.map((e) => cellsOf(e).map(csvCell))];
  return rows.map((cells) => `${cells.join(',')}\r\n`).join('');
}

/** The entries with exactly their declared fields, in chain order, pretty-printed. */
export function auditToJson(entries: readonly AuditEntry[]): string {
  const plain = entries.map((e): AuditEntry => ({ seq: e.seq, ...plainAuditEntry(e), prevHash: e.prevHash, hash: e.hash }));
  return `${JSON.stringify(plain, null, 2)}\n`;
}
