import type { Result } from '../shared/result.js';
import { bucketBounds, MAX_SERIES_POINTS, type SeriesBucket } from '../stats/statsSeries.js';
import { resolveInterval } from '../stats/statsInterval.js';
import type { FeedbackEntry, FeedbackReports } from './ports.js';

/** A reply scored this or lower asks for a call-back (issue 24). */
export const CALL_BACK_MAX_SCORE = 2;

export interface FeedbackReportsDeps {
  reports: FeedbackReports;
  /** The shop's IANA zone (BUSINESS_TIMEZONE). */
  timeZone: string;
}

export interface ScorePoint {
  start: string;
  count: number;
  /** The mean score to two decimals, rounded half up ("4.33"); null for a bucket without replies. */
  average: string | null;
}

/** sum / count to two decimals, half up, in integers (never a binary float). */
export function averageScore(sum: number, count: number): string | null {
  if (count === 0) return null;
  const hundredths = Math.floor((sum * 200 + count) / (2 * count));
  return `${Math.floor(hundredths / 100)}.${String(hundredths % 100).padStart(2, '0')}`;
}

/**
 * The average score and the number of scored replies per hour, day or month of the shop's zone
 * over the days `from` to `to`, and over the whole interval. Read per UTC quarter hour, which
 * tiles every zone's buckets exactly, then summed per bucket.
 */
export async function feedbackSummary(
  deps: FeedbackReportsDeps,
  query: { from: string; to: string; bucket: SeriesBucket },
): Promise<Result<{ summary: { bucket: SeriesBucket; timeZone: string; points: ScorePoint[]; total: { count: number; average: string | null } } }>> {
  const interval = resolveInterval(query.from, query.to, deps.timeZone);
  if (!interval.ok) return interval;
  const bounds = bucketBounds(interval.start, interval.end, query.bucket, deps.timeZone);
  if (bounds.length > MAX_SERIES_POINTS) return { ok: false, detail: `a chart holds at most ${MAX_SERIES_POINTS} points: choose a larger bucket than ${query.bucket} or a shorter interval` };
  const quarters = await deps.reports.scoresByQuarter(interval.start, interval.end);
  let next = 0;
  const sums = bounds.map(([start, end]) => {
    const sum = { start: start.toISOString(), count: 0, total: 0 };
    for (; next < quarters.length && quarters[next]!.quarterStart < end; next++) {
      if (quarters[next]!.quarterStart < start) continue;
      sum.count += quarters[next]!.count;
      sum.total += quarters[next]!.sum;
    }
    return sum;
  });
  const count = sums.reduce((n, s) => n + s.count, 0);
  const total = sums.reduce((n, s) => n + s.total, 0);
  return {
    ok: true,
    summary: {
      bucket: query.bucket,
      timeZone: deps.timeZone,
      points: sums.map((s) => ({ start: s.start, count: s.count, average: averageScore(s.total, s.count) })),
      total: { count, average: averageScore(total, count) },
    },
  };
}

/** Replies scored CALL_BACK_MAX_SCORE or lower, newest first, each with its job: the call-back list. */
export async function lowScores(deps: Pick<FeedbackReportsDeps, 'reports'>, page: { before?: number; limit: number }): Promise<{ replies: FeedbackEntry[]; nextBefore: number | null }> {
  const replies = await deps.reports.lowScores(CALL_BACK_MAX_SCORE, { ...page, limit: page.limit + 1 });
  const shown = replies.slice(0, page.limit);
  return { replies: shown, nextBefore: replies.length > page.limit ? shown.at(-1)!.feedbackId : null };
}
