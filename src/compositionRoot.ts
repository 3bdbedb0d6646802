import { LEDGER_MIGRATIONS, migrateLedger } from './adapters/mysql/ledgerMigrations.js';
import { MysqlClientJobs } from './adapters/mysql/clientJobs.js';
import { MysqlGatewayRegistry } from './adapters/mysql/gatewayRegistry.js';
import { createMysqlPool } from './adapters/mysql/pool.js';
import { HmacPhoneKeys } from './adapters/signatures/phoneKeys.js';
import { systemClock } from './adapters/system/systemClock.js';
import { ledgerConfig, relayConfig, type AppConfig } from './config.js';
import { seedDefaultRoutes } from './domain/channels/channelsApi.js';
import { buildNotificationGateways, openInfrastructure, type InfrastructureOverrides } from './infrastructure.js';
import { broadcastsModule } from './modules/broadcasts.js';
import { channelRoutes, channelsModule } from './modules/channels.js';
import { consoleModule } from './modules/console.js';
import { customerPageLinksOf, customerPageModule } from './modules/customerPage.js';
import { customersModule } from './modules/customers.js';
import { discountCodeStore, discountsModule } from './modules/discounts.js';
import { feedbackModule } from './modules/feedback.js';
import { inboxModule } from './modules/inbox.js';
import { jobRecordsOf, jobsAreaOf, jobsModule } from './modules/jobs.js';
import { notificationLogOf, notificationsModule } from './modules/notifications.js';
import { paymentsModule } from './modules/payments.js';
import { runawayGuard, statsModule } from './modules/stats.js';

export type RelayOverrides = InfrastructureOverrides;

/**
 * The use cases the functions call, wired to real adapters: one worker's infrastructure, and each
 * area's module over the pieces of it that area needs. Settings are checked (relayConfigSchema)
 * before anything is opened.
 */
export async function buildRelay(settings: AppConfig, overrides: RelayOverrides = {}) {
  const infra = await openInfrastructure(relayConfig(settings), overrides);
  const codes = discountCodeStore(infra);
  const routes = channelRoutes(infra);
  // Built once and handed to the areas that use them: the notification log (one class behind its
  // role ports), the job's stores, the customer page's links every job message carries, and the jobs
  // area with the notifier every area tells customers through.
  const notificationLog = notificationLogOf(infra);
  const records = jobRecordsOf(infra);
  const pageLinks = customerPageLinksOf(infra);
  const jobs = jobsAreaOf(infra, records, notificationLog, pageLinks.trackingLinks);
  const { outbox } = jobs.notifier;
  // The runaway-sender guard: the send path asks it, the statistics dashboard reviews and releases.
  const guard = runawayGuard(infra);
  // The functions read settings as loaded; only the infrastructure needs to know which the rules made present.
  const config: AppConfig = infra.config;
  return {
    config,
    /** The functions' one clock (signature freshness, plausible payment times): the domain's. */
    clock: infra.clock,
    ...jobsModule(jobs, records, infra),
    ...notificationsModule(jobs, notificationLog, routes, infra, guard.sendGuard),
    ...paymentsModule(jobs.closure, records, infra),
    ...customersModule(infra),
    ...feedbackModule(outbox, notificationLog, records, codes, infra),
    ...inboxModule(infra),
    ...statsModule(infra, guard),
    ...broadcastsModule(outbox, infra),
    ...channelsModule(routes),
    ...discountsModule(codes, infra),
    ...customerPageModule(pageLinks, { outbox, notificationLog, records }, codes, infra),
    ...consoleModule({ ...records, notificationLog, outbox }, infra),
    checkHealth: infra.checkHealth,
    close: infra.close,
  };
}

export type Relay = Awaited<ReturnType<typeof buildRelay>>;

/**
 * The ledger's deployment step, never part of a worker's start (the prepareLedger timer function
 * runs it once per start of the app on one instance; `npm start` before it serves): the pending
 * migrations, the phone-key re-keying among them, then the configured gateways' default routes
 * (INSERT IGNORE, so operators' changes stick). On a current ledger it reads schema_migrations and
 * changes nothing. Returns the migrations it applied.
 */
export async function prepareLedger(settings: AppConfig): Promise<string[]> {
  const config = ledgerConfig(settings);
  const gateways = buildNotificationGateways(config);
  // Two ledger connections: the migrations hold one under their lock, the re-keying takes another.
  const ledgerPool = createMysqlPool(config.LEDGER_DB_URL, 2);
  const clientPool = createMysqlPool(config.CLIENT_DB_URL, 1);
  try {
    const applied = await migrateLedger(ledgerPool, LEDGER_MIGRATIONS, {
      clientJobs: new MysqlClientJobs(clientPool),
      phoneKeys: new HmacPhoneKeys(config.PHONE_KEY_SECRET),
    });
    await seedDefaultRoutes({ registry: new MysqlGatewayRegistry(ledgerPool), gateways, clock: systemClock });
    return applied;
  } finally {
    gateways.close();
    await Promise.allSettled([ledgerPool.end(), clientPool.end()]);
  }
}
