/**
 * @module
 * DatoCMS's last-access buckets, computed in the project's time zone: calendar days, weeks from
 * Monday to Sunday and calendar months.
 */

export const ACCESS_BUCKETS = ['today', 'yesterday', 'this_week', 'last_week', 'this_month', 'last_month', 'never'] as const;
export type AccessBucket = (typeof ACCESS_BUCKETS)[number];

const formatters = new Map<string, Intl.DateTimeFormat>();

function localDay(ms: number, timeZone: string): { y: number; m: number; d: number; dayNumber: number } {
  let fmt = formatters.get(timeZone);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: 'numeric', day: 'numeric' });
    formatters.set(timeZone, fmt);
  }
  const parts = Object.fromEntries(fmt.formatToParts(ms).map((p) => [p.type, p.value]));
  const y = Number(parts.year);
  const m = Number(parts.month);
  const d = Number(parts.day);
  return { y, m, d, dayNumber: Math.round(Date.UTC(y, m - 1, d) / 86_400_000) };
}

/** Monday-based day number of the week start (1970-01-01 was a Thursday). */
function weekStart(dayNumber: number): number {
  return dayNumber - ((dayNumber + 3) % 7);
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

export function accessBucket(lastAccessMs: number | null, nowMs: number, timeZone: string): AccessBucket {
  if (lastAccessMs === null) return 'never';
  const last = localDay(lastAccessMs, timeZone);
  const now = localDay(nowMs, timeZone);
  const days = now.dayNumber - last.dayNumber;
  if (days <= 0) return 'today';
  if (days === 1) return 'yesterday';
  const thisWeek = weekStart(now.dayNumber);
  if (last.dayNumber >= thisWeek) return 'this_week';
  if (last.dayNumber >= thisWeek - 7) return 'last_week';
  const months = now.y * 12 + now.m - (last.y * 12 + last.m);
  if (months === 0) return 'this_month';
  if (months === 1) return 'last_month';
  return 'never';
}
