// Reading back CSV exports in tests, written independently of the writers under test.

/** RFC 4180 as the exports write it (quoted cells, doubled quotes, CRLF rows), row by row. */
export function parseCsvRows(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (cell += '"'), i++;
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') row.push(cell), (cell = '');
    else if (c === '\r' && text[i + 1] === '\n') row.push(cell), rows.push(row), (row = []), (cell = ''), i++;
    else cell += c;
  }
  if (cell !== '' || row.length) throw new Error('the last row does not end with CRLF');
  return rows;
}

/** The rows as objects keyed by the header row. */
export function parseCsv(text: string): Record<string, string>[] {
  const [header, ...body] = parseCsvRows(text);
  return body.map((cells) => Object.fromEntries(header!.map((h, i) => [h, cells[i] ?? ''])));
}

/**
 * A cell as a spreadsheet shows it: the exports put a quote before a cell that could run as a
 * formula (an id may start with '-'), which the spreadsheet hides.
 */
export const shown = (cell: string): string => cell.replace(/^'(?=[=+\-@\t\r])/, '');
