import { MysqlMessageStats } from '../adapters/mysql/messageStats.js';
import { MysqlRunawayFlags } from '../adapters/mysql/runawayFlags.js';
import { businessCalendar, type AppConfig } from '../config.js';
import type { SendGuard } from '../domain/notifications/ports.js';
import type { StatsMessage } from '../domain/stats/ports.js';
import { queryStats, recordStatsMessages, type StatsQuery } from '../domain/stats/messageStats.js';
import { listRunawayFlags, releaseCustomer, runawayPause, type RunawayGuardDeps, type RunawaySettings } from '../domain/stats/runawayGuard.js';
import { statsSeries, type SeriesQuery } from '../domain/stats/statsSeries.js';
import { allStatsTableRows, statsTable, type StatsTablePage, type StatsTableQuery } from '../domain/stats/statsTable.js';
import type { Infrastructure } from '../infrastructure.js';

export function runawaySettings(config: Pick<AppConfig, 'RUNAWAY_DAILY_COUNT' | 'RUNAWAY_DAILY_COST' | 'RUNAWAY_PAUSE'>): RunawaySettings {
  return { dailyCount: config.RUNAWAY_DAILY_COUNT, dailyCost: config.RUNAWAY_DAILY_COST, pause: config.RUNAWAY_PAUSE === 'true' };
}

/** The runaway-sender guard's ports and settings, shared by the send path (as its SendGuard) and the dashboard. */
export function runawayGuard(infra: Pick<Infrastructure, 'config' | 'ledgerPool' | 'clock'>) {
  const deps: RunawayGuardDeps = {
    flags: new MysqlRunawayFlags(infra.ledgerPool),
    clock: infra.clock,
    timeZone: businessCalendar(infra.config).timezone,
    settings: runawaySettings(infra.config),
  };
  const sendGuard: SendGuard = { pausedDetail: (customerId) => runawayPause(deps, customerId) };
  return { deps, sendGuard };
}

/** Message statistics: one outcome per recorded message, in order, and the queries over them. */
export function statsModule(infra: Pick<Infrastructure, 'batchPool' | 'clock'>, guard: ReturnType<typeof runawayGuard>) {
  const stats = new MysqlMessageStats(infra.batchPool);
  const deps = { stats, clock: infra.clock };
  const reports = { stats, timeZone: guard.deps.timeZone };
  const review = { ...guard.deps, stats };
  return {
    statsSeries: (query: SeriesQuery) => statsSeries(reports, query),
    statsTable: (query: StatsTableQuery) => statsTable(reports, query),
    allStatsTableRows: (query: Omit<StatsTableQuery, 'after'>, first: StatsTablePage & { ok: true }) => allStatsTableRows(reports, query, first),
    listRunawayFlags: (page: { before?: number; limit: number }) => listRunawayFlags(review, page),
    releaseCustomer: (customerId: number, by: string) => releaseCustomer(guard.deps, customerId, by),
    recordStatsMessages: (messages: readonly StatsMessage[]) => recordStatsMessages(deps, messages),
    queryStats: (query: StatsQuery) => queryStats(deps, query),
  };
}
