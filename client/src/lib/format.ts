// Dates and times in the reader's language, through Intl (no library, nothing to download).

export function formatDateTime(at: number, locale: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'full', timeStyle: 'short' }).format(at);
}

export function formatTime(at: number, locale: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(at);
}

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['week', 7 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['minute', 60],
];

export function formatRelative(at: number, now: number, locale: string): string {
  const format = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
  const seconds = Math.round((at - now) / 1000);
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size) return format.format(Math.round(seconds / size), unit);
  }
  // Under a minute, "now" reads better than a count of seconds that is stale at once.
  return format.format(0, 'second');
}

/**
 * A duration as its largest units, at most two ("2 min 10 s", "1 h 5 min", "45 s"); each
 * part is translated on its own so it reads naturally in every language.
 */
export function durationParts(ms: number): ['h' | 'min' | 's', number][] {
  const total = Math.max(0, Math.round(ms / 1000));
  const parts: ['h' | 'min' | 's', number][] = [
    ['h', Math.floor(total / 3600)],
    ['min', Math.floor((total % 3600) / 60)],
    ['s', total % 60],
  ];
  const first = parts.findIndex(([, n]) => n > 0);
  if (first === -1) return [['s', 0]];
  return parts.slice(first, first + 2).filter(([, n], i) => i === 0 || n > 0);
}
