import { describe, expect, it } from 'vitest';
import { auditToCsv, auditToJson, csvCell } from '../../server/moderation/audit-export.js';
import {
  chainEntry,
  GENESIS_HASH,
  hashEntry,
  verifyChain,
  type AuditEntry,
  type NewAuditEntry,
} from '../../server/moderation/audit.js';
import { parseCsvRows } from '../support/csv.js';

const action = (n: number, extra: Partial<NewAuditEntry> = {}): NewAuditEntry => ({
  at: Date.UTC(2026, 0, 15, 18, 30) + n * 1000,
  actorId: 'mod-kim',
  actorName: 'Sgt. Kim',
  action: 'remove',
  target: `question:question-000${n}`,
  reason: 'spam',
  note: null,
  ...extra,
});

function chain(inputs: NewAuditEntry[]): AuditEntry[] {
  const out: AuditEntry[] = [];
  for (const input of inputs) out.push(chainEntry(out.at(-1) ?? null, input));
  return out;
}

describe('hashEntry', () => {
  const entry = chainEntry(null, action(1));

  it('is a SHA-256 hex digest that does not depend on the order of the properties', () => {
    expect(hashEntry(entry)).toMatch(/^[0-9a-f]{64}$/);
    const reordered = Object.fromEntries(Object.entries(entry).reverse()) as AuditEntry;
    expect(hashEntry(reordered)).toBe(hashEntry(entry));
  });

  it.each([
    ['seq', 2],
    ['at', 1],
    ['actorId', 'mod-ortiz'],
    ['actorName', 'Lt. Ortiz'],
    ['action', 'restore'],
    ['target', 'question:question-0009'],
    ['reason', null],
    ['note', 'an afterthought'],
    ['prevHash', 'f'.repeat(64)],
  ] as const)('changes when %s changes', (field, value) => {
    expect(hashEntry({ ...entry, [field]: value })).not.toBe(hashEntry(entry));
  });

  it('tells a null note from the text "null"', () => {
    expect(hashEntry({ ...entry, note: 'null' })).not.toBe(hashEntry({ ...entry, note: null }));
  });
});

describe('chainEntry', () => {
  it('starts a log at seq 1, linked to the genesis hash', () => {
    const first = chainEntry(null, action(1));
    expect(first).toEqual({ ...action(1), seq: 1, prevHash: GENESIS_HASH, hash: hashEntry(first) });
  });

  it('links each entry to the one before it', () => {
    const first = chainEntry(null, action(1));
    const second = chainEntry(first, action(2));
    expect(second).toMatchObject({ seq: 2, prevHash: first.hash });
    expect(second.hash).toBe(hashEntry(second));
  });
});

describe('verifyChain', () => {
  const log = chain([1, 2, 3, 4, 5].map((n) => action(n)));

  it('accepts an empty log and an intact one', () => {
    expect(verifyChain([])).toEqual({ ok: true, entries: 0 });
    expect(verifyChain(log)).toEqual({ ok: true, entries: 5 });
  });

  it('finds an entry that was edited', () => {
    const edited = log.map((e) => (e.seq === 3 ? { ...e, note: 'nothing to see' } : e));
    expect(verifyChain(edited)).toEqual({ ok: false, seq: 3, problem: 'was changed after it was written' });
  });

  it('finds an entry that was edited and re-hashed, at the entry after it', () => {
    const rehashed = log.map((e) => {
      if (e.seq !== 3) return e;
      const changed = { ...e, actorName: 'Someone else' };
      return { ...changed, hash: hashEntry(changed) };
    });
    expect(verifyChain(rehashed)).toEqual({ ok: false, seq: 4, problem: 'does not follow the entry before it' });
  });

  it('finds an entry that was removed, and entries out of order', () => {
    expect(verifyChain(log.filter((e) => e.seq !== 2))).toEqual({ ok: false, seq: 3, problem: 'expected entry 2' });
    const swapped = [log[0]!, log[2]!, log[1]!, log[3]!, log[4]!];
    expect(verifyChain(swapped)).toEqual({ ok: false, seq: 3, problem: 'expected entry 2' });
  });

  it('refuses a log that does not start at the genesis', () => {
    expect(verifyChain(log.slice(1))).toEqual({ ok: false, seq: 2, problem: 'expected entry 1' });
    const unanchored = chain([action(1)]).map((e) => ({ ...e, prevHash: 'a'.repeat(64) }));
    expect(verifyChain(unanchored)).toEqual({ ok: false, seq: 1, problem: 'does not follow the entry before it' });
  });
});

describe('auditToCsv', () => {
  const awkward = chain([
    action(1, { note: 'He said "see you outside", then left.\r\nSecond line\nthird line', reason: null }),
    action(2, { actorName: 'Ortiz, Lt.', target: 'filter:chief "the boss"', note: '' }),
  ]);

  it('starts with a header row and ends every row with CRLF', () => {
    const csv = auditToCsv([]);
    expect(csv).toBe('seq,at,time,actorId,actorName,action,target,reason,note,prevHash,hash\r\n');
  });

  it('reads back exactly, through quotes, commas and line breaks', () => {
    const rows = parseCsvRows(auditToCsv(awkward));
    expect(rows).toHaveLength(3);
    const [header, ...body] = rows;
    const read = body.map((cells) => Object.fromEntries(header!.map((name, i) => [name, cells[i]])));
    expect(read).toEqual(
      awkward.map((e) => ({
        seq: String(e.seq),
        at: String(e.at),
        time: new Date(e.at).toISOString(),
        actorId: e.actorId,
        actorName: e.actorName,
        action: e.action,
        target: e.target,
        reason: e.reason ?? '',
        note: e.note ?? '',
        prevHash: e.prevHash,
        hash: e.hash,
      })),
    );
  });

  it('writes the time in UTC beside the raw timestamp', () => {
    const [, first] = parseCsvRows(auditToCsv(chain([action(0)])));
    expect(first!.slice(1, 3)).toEqual([String(Date.UTC(2026, 0, 15, 18, 30)), '2026-01-15T18:30:00.000Z']);
  });

  it.each(['=HYPERLINK("http://evil.example","x")', '+1+1', '-2+3', '@SUM(A1:A2)', '\t=1'])(
    'keeps %j from running as a formula',
    (note) => {
      const [, row] = parseCsvRows(auditToCsv(chain([action(1, { note })])));
      expect(row![8]).toBe(`'${note}`);
    },
  );

  it('leaves ordinary text, and formula characters after the start, as they are', () => {
    expect(csvCell('approved = fine')).toBe('approved = fine');
    expect(csvCell(null)).toBe('');
    expect(csvCell(42)).toBe('42');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('=1,2')).toBe(`"'=1,2"`);
  });
});

describe('auditToJson', () => {
  it('writes every field and reads back into a chain verifyChain accepts', () => {
    const log = chain([action(1, { note: 'line\nbreak "quoted"' }), action(2)]);
    const parsed = JSON.parse(auditToJson(log)) as AuditEntry[];
    expect(parsed).toEqual(log);
    expect(verifyChain(parsed)).toEqual({ ok: true, entries: 2 });
  });

  it('leaves out properties an entry should not have', () => {
    const [entry] = chain([action(1)]);
    const parsed = JSON.parse(auditToJson([{ ...entry!, secret: 'x' } as AuditEntry]));
    expect(parsed[0]).not.toHaveProperty('secret');
  });
});
