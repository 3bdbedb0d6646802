import { DateTime, IANAZone } from 'luxon';
import type { BucketLevel, BucketRange } from './ports.js';

const QUARTER_MS = 15 * 60_000;
const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;
/** DATETIME holds years 1000-9999; nothing can have been received before 1970 or after 9998. */
const FIRST_YEAR = 1970;
const LAST_YEAR = 9998;

export type IntervalResult = { ok: true; start: Date; end: Date } | { ok: false; detail: string };

function dayStart(name: 'from' | 'to', value: string, zone: string): { ok: true; day: DateTime } | { ok: false; detail: string } {
  if (!DATE_PATTERN.test(value)) return { ok: false, detail: `${name} must be a date written YYYY-MM-DD, not "${value.slice(0, 40)}"` };
  // luxon places the day in the zone; a midnight lost to a DST jump becomes the day's first real instant.
  const day = DateTime.fromISO(value, { zone });
  if (!day.isValid) return { ok: false, detail: `${name} is not a real date: ${value}` };
  if (day.year < FIRST_YEAR || day.year > LAST_YEAR) return { ok: false, detail: `${name} must be a year from ${FIRST_YEAR} to ${LAST_YEAR}` };
  return { ok: true, day };
}

/**
 * The instants [start, end) of the days `from` to `to`, both included, in the IANA zone `timezone`.
 * Days are the zone's own (23 or 25 hours on DST days). Both ends are floored to a quarter hour:
 * every zone's offset is a whole number of quarter hours since 1979, so only days decades before
 * any message could be received move.
 */
export function resolveInterval(from: string, to: string, timezone: string): IntervalResult {
  if (!IANAZone.isValidZone(timezone)) return { ok: false, detail: `tz must be an IANA time zone such as Europe/London, not "${timezone.slice(0, 60)}"` };
  const first = dayStart('from', from, timezone);
  if (!first.ok) return first;
  const last = dayStart('to', to, timezone);
  if (!last.ok) return last;
  if (first.day > last.day) return { ok: false, detail: `from (${from}) is after to (${to})` };
  const floor = (instant: DateTime) => new Date(Math.floor(instant.toMillis() / QUARTER_MS) * QUARTER_MS);
  return { ok: true, start: floor(first.day), end: floor(last.day.plus({ days: 1 }).startOf('day')) };
}

/** The start (UTC) of the bucket of `level` that holds `instant`. */
export function bucketStart(level: BucketLevel, instant: Date): Date {
  const t = instant.getTime();
  switch (level) {
    case 'quarter':
      return new Date(Math.floor(t / QUARTER_MS) * QUARTER_MS);
    case 'day':
      return new Date(Date.UTC(instant.getUTCFullYear(), instant.getUTCMonth(), instant.getUTCDate()));
    case 'month':
      return new Date(Date.UTC(instant.getUTCFullYear(), instant.getUTCMonth(), 1));
    case 'year':
      return new Date(Date.UTC(instant.getUTCFullYear(), 0, 1));
  }
}

function nextBucket(level: BucketLevel, start: Date): Date {
  const [y, m, d] = [start.getUTCFullYear(), start.getUTCMonth(), start.getUTCDate()];
  switch (level) {
    case 'quarter':
      return new Date(start.getTime() + QUARTER_MS);
    case 'day':
      return new Date(Date.UTC(y, m, d + 1));
    case 'month':
      return new Date(Date.UTC(y, m + 1, 1));
    case 'year':
      return new Date(Date.UTC(y + 1, 0, 1));
  }
}

const COARSEST_FIRST: readonly BucketLevel[] = ['year', 'month', 'day', 'quarter'];

/**
 * The fewest buckets that exactly tile [start, end) (both on quarter hours): quarter hours up to
 * the first UTC midnight, days up to the first of a month, months up to a new year, whole years,
 * and the same steps down at the other end. Consecutive buckets of one level form one range, so a
 * year in any zone is at most about nine ranges, whatever the number of messages.
 */
export function coverInterval(start: Date, end: Date): BucketRange[] {
  if (start.getTime() % QUARTER_MS !== 0 || end.getTime() % QUARTER_MS !== 0) throw new RangeError('interval ends must be on quarter hours');
  const ranges: BucketRange[] = [];
  let at = start;
  while (at < end) {
    const level = COARSEST_FIRST.find((l) => bucketStart(l, at).getTime() === at.getTime() && nextBucket(l, at) <= end)!;
    const last = ranges.at(-1);
    if (last?.level === level) last.lastStart = at;
    else ranges.push({ level, firstStart: at, lastStart: at });
    at = nextBucket(level, at);
  }
  return ranges;
}
