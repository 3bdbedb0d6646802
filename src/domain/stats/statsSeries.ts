import { DateTime } from 'luxon';
import { amountFromThousandths } from '../shared/money.js';
import { refuse, type Result } from '../shared/result.js';
import type { BucketRange, BucketSum, MessageStats, StatsFilter } from './ports.js';
import { coverInterval, nextBucket, resolveInterval } from './statsInterval.js';

/** How the console's chart groups messages: hours, days or months of the shop's zone. */
export const SERIES_BUCKETS = ['hour', 'day', 'month'] as const;
export type SeriesBucket = (typeof SERIES_BUCKETS)[number];

/** A chart holds at most this many points per period: a 31-day month by hour is 744. */
export const MAX_SERIES_POINTS = 800;

const QUARTER_MS = 15 * 60_000;

export interface SeriesQuery extends StatsFilter {
  /** Days (YYYY-MM-DD) of the shop's zone, both included. */
  from: string;
  to: string;
  bucket: SeriesBucket;
}

export interface SeriesPoint {
  /** The bucket's first instant, ISO 8601 UTC. */
  start: string;
  count: number;
  /** Exact decimal string, three places. */
  cost: string;
}

export interface SeriesPeriod {
  from: string;
  to: string;
  points: SeriesPoint[];
  total: { count: number; cost: string };
}

export interface StatsSeries {
  bucket: SeriesBucket;
  timeZone: string;
  current: SeriesPeriod;
  previous: SeriesPeriod;
}

export interface StatsSeriesDeps {
  stats: Pick<MessageStats, 'bucketSums'>;
  /** The shop's IANA zone (BUSINESS_TIMEZONE). */
  timeZone: string;
}

/**
 * The period a chart compares with, of equal length and just before: whole calendar months
 * (the 1st to a month's last day) compare with as many months before; any other interval with as
 * many days before. ASSUMPTIONS.md, Statistics in the console.
 */
export function previousPeriod(from: string, to: string, zone: string): { from: string; to: string } {
  const first = DateTime.fromISO(from, { zone });
  const last = DateTime.fromISO(to, { zone });
  const wholeMonths = first.day === 1 && last.plus({ days: 1 }).day === 1;
  const start = wholeMonths
    ? first.minus({ months: (last.year - first.year) * 12 + last.month - first.month + 1 })
    : first.minus({ days: Math.round(last.startOf('day').diff(first.startOf('day'), 'days').days) + 1 });
  return { from: start.toISODate()!, to: first.minus({ days: 1 }).toISODate()! };
}

const floorToQuarter = (instant: DateTime) => new Date(Math.floor(instant.toMillis() / QUARTER_MS) * QUARTER_MS);

/** [start, end) of each hour, day or month of `zone` in [start, end) (at most MAX_SERIES_POINTS + 1 of them); DST days have 23 or 25 hours. */
export function bucketBounds(start: Date, end: Date, bucket: SeriesBucket, zone: string): Array<[Date, Date]> {
  const edges: Date[] = [];
  for (let t = DateTime.fromJSDate(start, { zone }); t.toMillis() < end.getTime() && edges.length <= MAX_SERIES_POINTS; ) {
    edges.push(floorToQuarter(t));
    t = bucket === 'hour' ? t.plus({ hours: 1 }) : t.plus({ [`${bucket}s`]: 1 }).startOf(bucket);
  }
  return edges.map((edge, i) => [edge, edges[i + 1] ?? end]);
}

/** The ranges to read once for all covers: duplicates dropped, touching runs of a level joined. */
function mergedRanges(covers: ReadonlyArray<readonly BucketRange[]>): BucketRange[] {
  const sorted = covers.flat().sort((a, b) => a.level.localeCompare(b.level) || a.firstStart.getTime() - b.firstStart.getTime());
  const merged: BucketRange[] = [];
  for (const range of sorted) {
    const last = merged.at(-1);
    if (last && last.level === range.level && range.firstStart.getTime() <= nextBucket(last.level, last.lastStart).getTime()) {
      if (range.lastStart > last.lastStart) last.lastStart = range.lastStart;
    } else {
      merged.push({ level: range.level, firstStart: range.firstStart, lastStart: range.lastStart, sign: 1 });
    }
  }
  return merged;
}

/** A bucket total ("12.345", "-0.010") as integer thousandths. */
const thousandths = (total: string) => BigInt(total.replace('.', ''));

function sumCover(cover: readonly BucketRange[], sums: ReadonlyMap<string, BucketSum>): { count: number; cost: bigint } {
  let count = 0;
  let cost = 0n;
  for (const range of cover) {
    for (let t = range.firstStart; t <= range.lastStart; t = nextBucket(range.level, t)) {
      const sum = sums.get(`${range.level}@${t.getTime()}`);
      if (!sum) continue;
      count += range.sign * sum.count;
      cost += BigInt(range.sign) * thousandths(sum.totalAmount);
    }
  }
  return { count, cost };
}

/**
 * Count and cost per hour, day or month of the shop's zone for the days `from` to `to`, and the
 * same for the previous period (previousPeriod). Each point is the signed sum of the fewest
 * pre-aggregated UTC buckets that tile it exactly (coverInterval); all points of both periods are
 * read in one query, so its cost follows the number of points (and types), never of messages.
 */
export async function statsSeries(deps: StatsSeriesDeps, query: SeriesQuery): Promise<Result<{ series: StatsSeries }>> {
  // The current period first: its dates are checked before the previous one is derived from them.
  const periods = [{ from: query.from, to: query.to }];
  const bounds: Array<Array<[Date, Date]>> = [];
  for (let p = 0; p < 2; p++) {
    const period = periods[p]!;
    const interval = resolveInterval(period.from, period.to, deps.timeZone);
    if (!interval.ok) return interval;
    const points = bucketBounds(interval.start, interval.end, query.bucket, deps.timeZone);
    if (points.length > MAX_SERIES_POINTS) {
      return refuse(`a chart holds at most ${MAX_SERIES_POINTS} points: choose a larger bucket than ${query.bucket} or a shorter interval`);
    }
    bounds.push(points);
    if (p === 0) periods.push(previousPeriod(query.from, query.to, deps.timeZone));
  }
  const covers = bounds.map((points) => points.map(([start, end]) => coverInterval(start, end)));
  const filter: StatsFilter = {
    ...(query.customerId === undefined ? {} : { customerId: query.customerId }),
    ...(query.type === undefined ? {} : { type: query.type }),
  };
  const sums = await deps.stats.bucketSums(mergedRanges(covers.flat()), filter);
  const byBucket = new Map(sums.map((sum) => [`${sum.level}@${sum.bucketStart.getTime()}`, sum]));
  const [current, previous] = periods.map((period, p): SeriesPeriod => {
    const totals = covers[p]!.map((cover) => sumCover(cover, byBucket));
    return {
      ...period,
      points: totals.map((total, i) => ({ start: bounds[p]![i]![0].toISOString(), count: total.count, cost: amountFromThousandths(total.cost) })),
      total: {
        count: totals.reduce((n, t) => n + t.count, 0),
        cost: amountFromThousandths(totals.reduce((n, t) => n + t.cost, 0n)),
      },
    };
  });
  return { ok: true, series: { bucket: query.bucket, timeZone: deps.timeZone, current: current!, previous: previous! } };
}
