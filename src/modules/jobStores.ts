import { CosmosJobDocuments } from '../adapters/cosmos/jobDocuments.js';
import { MysqlClientJobs } from '../adapters/mysql/clientJobs.js';
import { MysqlCustomers } from '../adapters/mysql/customers.js';
import { MysqlJobTracking } from '../adapters/mysql/jobTracking.js';
import { MysqlJobTransactions } from '../adapters/mysql/jobTransactions.js';
import { MysqlMessageStats } from '../adapters/mysql/messageStats.js';
import { MysqlNotificationLog } from '../adapters/mysql/notificationLog.js';
import { MysqlPayments } from '../adapters/mysql/payments.js';
import { MysqlTrackingLinks } from '../adapters/mysql/trackingLinks.js';
import { HmacTrackingTokens, trackingLinkSecret } from '../adapters/signatures/trackingTokens.js';
import { businessCalendar, type RelayConfig } from '../config.js';
import { defaultPublicBaseUrl } from '../customerPageSettings.js';
import { trackingLinks } from '../domain/customerPage/trackingLinks.js';
import type { Infrastructure } from '../infrastructure.js';

/**
 * The stores a job's life touches. Ingest, sending, closure and payments all move a job, and their
 * use cases' deps types (CompletionDeps and the types that extend it) ask for these ports, so they
 * are built once per worker and handed to the areas that move jobs.
 */
export function jobStores(infra: Pick<Infrastructure, 'config' | 'clientPool' | 'ledgerPool' | 'batchPool' | 'jobsContainer' | 'queue' | 'phoneKeys' | 'clock'>) {
  const tokens = trackingTokens(infra.config);
  return {
    clientJobs: new MysqlClientJobs(infra.clientPool),
    documents: new CosmosJobDocuments(infra.jobsContainer),
    transactions: new MysqlJobTransactions(infra.ledgerPool),
    notificationLog: new MysqlNotificationLog(infra.ledgerPool, infra.batchPool),
    tracking: new MysqlJobTracking(infra.ledgerPool),
    payments: new MysqlPayments(infra.ledgerPool),
    customers: new MysqlCustomers(infra.ledgerPool),
    calendar: businessCalendar(infra.config),
    stats: new MysqlMessageStats(infra.batchPool),
    queue: infra.queue,
    phoneKeys: infra.phoneKeys,
    clock: infra.clock,
    trackingTokens: tokens,
    trackingLinks: trackingLinks(tokens, new MysqlTrackingLinks(infra.ledgerPool), infra.clock),
  };
}

/** The customer page's links (issue 25): keyed by TRACKING_LINK_SECRET, under PUBLIC_BASE_URL. */
function trackingTokens(config: RelayConfig): HmacTrackingTokens {
  return new HmacTrackingTokens(trackingLinkSecret(config), config.PUBLIC_BASE_URL ?? defaultPublicBaseUrl({}, config.PORT));
}

export type JobStores = ReturnType<typeof jobStores>;
