import type { StatsMessage } from '../domain/stats/ports.js';
import { queryStats, recordStatsMessages, type StatsQuery } from '../domain/stats/messageStats.js';
import type { JobStores } from './jobStores.js';

/** Message statistics: one outcome per recorded message, in order, and the queries over them. */
export function statsModule(stores: Pick<JobStores, 'stats' | 'clock'>) {
  return {
    recordStatsMessages: (messages: readonly StatsMessage[]) => recordStatsMessages(stores, messages),
    queryStats: (query: StatsQuery) => queryStats(stores, query),
  };
}
