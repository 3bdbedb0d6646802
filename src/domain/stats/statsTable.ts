import type { Result } from '../shared/result.js';
import type { MessageStats, StatsTotal } from './ports.js';
import { coverInterval, resolveInterval } from './statsInterval.js';

/** Where a page of the table starts: after this customer and type. */
export interface StatsTableKey {
  customerId: number;
  type: string;
}

export interface StatsTableQuery {
  /** Days (YYYY-MM-DD) of the shop's zone, both included. */
  from: string;
  to: string;
  limit: number;
  after?: StatsTableKey;
}

export interface StatsTableDeps {
  stats: Pick<MessageStats, 'totals'>;
  /** The shop's IANA zone (BUSINESS_TIMEZONE). */
  timeZone: string;
}

export type StatsTablePage = Result<{ rows: StatsTotal[]; next: StatsTableKey | null }>;

/**
 * Count and cost by customer and type over the days `from` to `to` of the shop's zone, a page at
 * a time in (customerId, type) order: the key of the page's last row starts the next page, so a
 * page costs the same wherever it is (no OFFSET). Read from the buckets, like GET /api/stats.
 */
export async function statsTable(deps: StatsTableDeps, query: StatsTableQuery): Promise<StatsTablePage> {
  const interval = resolveInterval(query.from, query.to, deps.timeZone);
  if (!interval.ok) return interval;
  const rows = await deps.stats.totals(coverInterval(interval.start, interval.end), {}, {
    limit: query.limit + 1,
    ...(query.after ? { after: query.after } : {}),
  });
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return { ok: true, rows: page, next: rows.length > query.limit && last ? { customerId: last.customerId, type: last.type } : null };
}

/** Every row of the table over the interval, page by page (for the CSV download); the interval is checked by the first page. */
export async function* allStatsTableRows(deps: StatsTableDeps, query: Omit<StatsTableQuery, 'after'>, first: StatsTablePage & { ok: true }): AsyncGenerator<StatsTotal> {
  let page = first;
  for (;;) {
    yield* page.rows;
    if (!page.next) return;
    const next = await statsTable(deps, { ...query, after: page.next });
    if (!next.ok) return;
    page = next;
  }
}
