import { MysqlMessageStats } from '../adapters/mysql/messageStats.js';
import type { StatsMessage } from '../domain/stats/ports.js';
import { queryStats, recordStatsMessages, type StatsQuery } from '../domain/stats/messageStats.js';
import type { Infrastructure } from '../infrastructure.js';

/** Message statistics: one outcome per recorded message, in order, and the queries over them. */
export function statsModule(infra: Pick<Infrastructure, 'batchPool' | 'clock'>) {
  const deps = { stats: new MysqlMessageStats(infra.batchPool), clock: infra.clock };
  return {
    recordStatsMessages: (messages: readonly StatsMessage[]) => recordStatsMessages(deps, messages),
    queryStats: (query: StatsQuery) => queryStats(deps, query),
  };
}
