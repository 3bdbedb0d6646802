import type { StatsMessage } from '../domain/stats/ports.js';
import { queryStats, recordStatsMessages, type StatsQuery } from '../domain/stats/messageStats.js';
import { statsSeries, type SeriesQuery } from '../domain/stats/statsSeries.js';
import { allStatsTableRows, statsTable, type StatsTablePage, type StatsTableQuery } from '../domain/stats/statsTable.js';
import type { JobStores } from './jobStores.js';

/** Message statistics: one outcome per recorded message, in order, and the queries over them. */
export function statsModule(stores: Pick<JobStores, 'stats' | 'clock' | 'calendar'>) {
  const reports = { stats: stores.stats, timeZone: stores.calendar.timezone };
  return {
    statsSeries: (query: SeriesQuery) => statsSeries(reports, query),
    statsTable: (query: StatsTableQuery) => statsTable(reports, query),
    allStatsTableRows: (query: Omit<StatsTableQuery, 'after'>, first: StatsTablePage & { ok: true }) => allStatsTableRows(reports, query, first),
    recordStatsMessages: (messages: readonly StatsMessage[]) => recordStatsMessages(stores, messages),
    queryStats: (query: StatsQuery) => queryStats(stores, query),
  };
}
