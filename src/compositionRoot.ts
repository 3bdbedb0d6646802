import { LEDGER_MIGRATIONS, migrateLedger } from './adapters/mysql/ledgerMigrations.js';
import { MysqlClientJobs } from './adapters/mysql/clientJobs.js';
import { MysqlGatewayRegistry } from './adapters/mysql/gatewayRegistry.js';
import { createMysqlPool } from './adapters/mysql/pool.js';
import { HmacPhoneKeys } from './adapters/signatures/phoneKeys.js';
import { ledgerConfig, relayConfig, type AppConfig } from './config.js';
import { seedDefaultRoutes } from './domain/channels/channelsApi.js';
import { buildNotificationGateways, openInfrastructure, type InfrastructureOverrides } from './infrastructure.js';
import { broadcastsModule } from './modules/broadcasts.js';
import { channelRoutes, channelsModule } from './modules/channels.js';
import { consoleModule } from './modules/console.js';
import { customersModule } from './modules/customers.js';
import { discountCodeStore, discountsModule } from './modules/discounts.js';
import { feedbackModule } from './modules/feedback.js';
import { inboxModule } from './modules/inbox.js';
import { jobStores } from './modules/jobStores.js';
import { jobsModule } from './modules/jobs.js';
import { notificationsModule } from './modules/notifications.js';
import { paymentsModule } from './modules/payments.js';
import { statsModule } from './modules/stats.js';

export type RelayOverrides = InfrastructureOverrides;

/**
 * The use cases the functions call, wired to real adapters: one worker's infrastructure, and each
 * area's module over the pieces of it that area needs. Settings are checked (relayConfigSchema)
 * before anything is opened.
 */
export async function buildRelay(settings: AppConfig, overrides: RelayOverrides = {}) {
  const infra = await openInfrastructure(relayConfig(settings), overrides);
  const stores = jobStores(infra);
  const codes = discountCodeStore(infra);
  const routes = channelRoutes(infra);
  // The functions read settings as loaded; only the infrastructure needs to know which the rules made present.
  const config: AppConfig = infra.config;
  return {
    config,
    ...jobsModule(stores, infra),
    ...notificationsModule(stores, routes, infra),
    ...paymentsModule(stores, infra),
    ...customersModule(stores),
    ...feedbackModule(stores, codes, infra),
    ...inboxModule(infra),
    ...statsModule(stores),
    ...broadcastsModule(stores, infra),
    ...channelsModule(routes),
    ...discountsModule(codes, stores),
    ...consoleModule(stores, infra),
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
    await seedDefaultRoutes({ registry: new MysqlGatewayRegistry(ledgerPool), gateways });
    return applied;
  } finally {
    gateways.close();
    await Promise.allSettled([ledgerPool.end(), clientPool.end()]);
  }
}
