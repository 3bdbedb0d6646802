import { DateTime } from 'luxon';
import { isTimeZone } from '../windows/businessCalendar.js';
import type { BucketLevel, BucketRange } from './ports.js';
import type { Result } from '../shared/result.js';

const QUARTER_MS = 15 * 60_000;
const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;
/** DATETIME holds years 1000-9999; nothing can have been received before 1970 or after 9998. */
const FIRST_YEAR = 1970;
const LAST_YEAR = 9998;

export type IntervalResult = Result<{ start: Date; end: Date }>;

function dayStart(name: 'from' | 'to', value: string, zone: string): Result<{ day: DateTime }> {
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
  if (!isTimeZone(timezone)) return { ok: false, detail: `tz must be an IANA time zone such as Europe/London, not "${timezone.slice(0, 60)}"` };
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

export function nextBucket(level: BucketLevel, start: Date): Date {
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

/** The start of the bucket of `level` before the one starting at `start`. */
function previousBucket(level: BucketLevel, start: Date): Date {
  const [y, m, d] = [start.getUTCFullYear(), start.getUTCMonth(), start.getUTCDate()];
  switch (level) {
    case 'quarter':
      return new Date(start.getTime() - QUARTER_MS);
    case 'day':
      return new Date(Date.UTC(y, m, d - 1));
    case 'month':
      return new Date(Date.UTC(y, m - 1, 1));
    case 'year':
      return new Date(Date.UTC(y - 1, 0, 1));
  }
}

/** How many buckets of `level` tile [from, to) (both on bucket starts of that level). */
function bucketsBetween(level: BucketLevel, from: Date, to: Date): number {
  switch (level) {
    case 'quarter':
      return (to.getTime() - from.getTime()) / QUARTER_MS;
    case 'day':
      return (to.getTime() - from.getTime()) / 86_400_000;
    case 'month':
      return (to.getUTCFullYear() - from.getUTCFullYear()) * 12 + to.getUTCMonth() - from.getUTCMonth();
    case 'year':
      return to.getUTCFullYear() - from.getUTCFullYear();
  }
}

interface Cover {
  ranges: BucketRange[];
  /** Buckets read: what a query pays per customer and type in the worst case. */
  buckets: number;
}

const FINEST_FIRST: readonly BucketLevel[] = ['quarter', 'day', 'month', 'year'];
const EMPTY: Cover = { ranges: [], buckets: 0 };

function tile(level: BucketLevel, from: Date, to: Date, sign: 1 | -1): Cover {
  if (from.getTime() >= to.getTime()) return EMPTY;
  return { ranges: [{ level, firstStart: from, lastStart: previousBucket(level, to), sign }], buckets: bucketsBetween(level, from, to) };
}

function join(...covers: Cover[]): Cover {
  return { ranges: covers.flatMap((c) => c.ranges), buckets: covers.reduce((sum, c) => sum + c.buckets, 0) };
}

const cheaper = (a: Cover, b: Cover) => (b.buckets < a.buckets || (b.buckets === a.buckets && b.ranges.length < a.ranges.length) ? b : a);

/**
 * The cheapest signed cover of [from, to) with levels up to FINEST_FIRST[top]: either without that
 * level, or with a run of its buckets whose ends are rounded down or up, the difference at each
 * end covered one level finer and added (rounded in) or subtracted (rounded out).
 */
function cheapest(from: Date, to: Date, top: number, sign: 1 | -1): Cover {
  if (from.getTime() >= to.getTime()) return EMPTY;
  const level = FINEST_FIRST[top]!;
  if (top === 0) return tile(level, from, to, sign);
  let best = cheapest(from, to, top - 1, sign);
  const round = (instant: Date) => {
    const down = bucketStart(level, instant);
    return down.getTime() === instant.getTime() ? [down] : [down, nextBucket(level, down)];
  };
  for (const start of round(from)) {
    for (const end of round(to)) {
      // An empty run is the "without this level" case; a run is never shorter than nothing.
      if (start.getTime() >= end.getTime()) continue;
      const head = start < from ? cheapest(start, from, top - 1, -sign as 1 | -1) : cheapest(from, start, top - 1, sign);
      const tail = end > to ? cheapest(to, end, top - 1, -sign as 1 | -1) : cheapest(end, to, top - 1, sign);
      best = cheaper(best, join(tile(level, start, end, sign), head, tail));
    }
  }
  return best;
}

/**
 * Buckets whose signed sum is exactly [start, end) (both on quarter hours), choosing the fewest
 * buckets: a year in New York is the UTC year 2025, minus the quarter hours of 1 January before
 * 05:00 UTC, plus those of 1 January 2026 before 05:00 UTC; a London DST day is one UTC day minus
 * four quarter hours. The runs at each end never overlap, so no bucket appears twice, and a query
 * reads about one bucket per customer and type for any interval, whatever the number of messages.
 */
export function coverInterval(start: Date, end: Date): BucketRange[] {
  if (start.getTime() % QUARTER_MS !== 0 || end.getTime() % QUARTER_MS !== 0) throw new RangeError('interval ends must be on quarter hours');
  return cheapest(start, end, FINEST_FIRST.length - 1, 1).ranges;
}
