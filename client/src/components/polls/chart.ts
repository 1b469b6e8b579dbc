// Small helpers shared by the poll charts.

/** A whole-number percentage, as text ("0 %" when there is nothing to divide). */
export function percent(count: number, total: number): string {
  const value = total > 0 ? Math.round((count / total) * 100) : 0;
  return `${value}%`;
}

export interface BarRow {
  id: string;
  label: string;
  count: number;
  /** A short note after the label, e.g. "eliminated" or "winner". */
  note?: string | undefined;
  tone?: 'winner' | 'out' | undefined;
}

/** The rows' figures as one sentence for a chart's spoken summary ("Yes 12, No 3"). */
export function figures(rows: { label: string; count: number }[]): string {
  return rows.map((r) => `${r.label} ${r.count}`).join(', ');
}
