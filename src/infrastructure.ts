import type { Container } from '@azure/cosmos';
import { createCosmosClient, openDiscountCodesContainer, openJobsContainer } from './adapters/cosmos/client.js';
import { SmtpGateway } from './adapters/email/smtpGateway.js';
import { createMysqlPool, type MysqlPool } from './adapters/mysql/pool.js';
import { ServiceBusDeadLetters } from './adapters/serviceBus/deadLetters.js';
import { createServiceBusClient, ServiceBusNotificationQueue } from './adapters/serviceBus/notificationQueue.js';
import { HmacPhoneKeys } from './adapters/signatures/phoneKeys.js';
import { createConsoleLogger } from './adapters/system/consoleLogger.js';
import { systemClock } from './adapters/system/systemClock.js';
import { VonageMessagesGateway, type VonageMessagesAuth } from './adapters/vonage/messagesGateway.js';
import { VonageSmsGateway } from './adapters/vonage/smsGateway.js';
import { ConfigError, type LedgerConfig, type RelayConfig } from './config.js';
import type { ConfiguredGateways } from './domain/channels/ports.js';
import { canCarry, channelsOf, DEFAULT_ROUTES } from './adapters/gateways/catalogue.js';
import type { DeadLetterQueue, NotificationQueue } from './domain/notifications/ports.js';
import type { Clock, Logger, PhoneKeys } from './domain/shared/ports.js';

export interface InfrastructureOverrides {
  /** The local host's in-process queue stands in for Service Bus, which has no local emulator here. */
  queue?: NotificationQueue;
  /** The stand-in queue's dead letters; without them (tests with an in-memory queue) there are none to list. */
  deadLetters?: DeadLetterQueue;
  /** Tests fix the time messages are received at. */
  clock?: Clock;
}

export type Reachability = 'ok' | 'unreachable';

/** The pools, clients and gateways of one worker: every area module takes the pieces it needs from here. */
export interface Infrastructure {
  readonly config: RelayConfig;
  readonly clock: Clock;
  /** The client's MySQL database (its `Jobs` table). */
  readonly clientPool: MysqlPool;
  /** The ledger, one statement per round trip. */
  readonly ledgerPool: MysqlPool;
  /**
   * The ledger with multiple statements per round trip: statistics send a whole transaction at
   * once, and the notification log the claims and outcomes of concurrent deliveries (values stay placeholders).
   */
  readonly batchPool: MysqlPool;
  readonly jobsContainer: Container;
  readonly discountCodesContainer: Container;
  readonly queue: NotificationQueue;
  readonly deadLetters: DeadLetterQueue;
  readonly gateways: ConfiguredGateways;
  readonly phoneKeys: PhoneKeys;
  logger(component: string): Logger;
  /** Each store's reachability, for the health endpoint. */
  checkHealth(): Promise<Record<'clientDb' | 'ledgerDb' | 'cosmos', Reachability>>;
  close(): Promise<void>;
}

const NO_DEAD_LETTER_QUEUE = 'this host has no dead-letter queue (an in-memory queue stands in for Service Bus)';
const noDeadLetterQueue: DeadLetterQueue = {
  list: () => Promise.reject(new ConfigError(NO_DEAD_LETTER_QUEUE)),
  replay: () => Promise.reject(new ConfigError(NO_DEAD_LETTER_QUEUE)),
  replaySome: () => Promise.reject(new ConfigError(NO_DEAD_LETTER_QUEUE)),
};

/** The health endpoint answers within this, whatever a dependency does (a frozen database never answers). */
const HEALTH_PROBE_TIMEOUT_MS = 2_000;

async function reachable(probe: () => Promise<unknown>): Promise<Reachability> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('health probe timed out')), HEALTH_PROBE_TIMEOUT_MS);
  });
  try {
    await Promise.race([probe(), deadline]);
    return 'ok';
  } catch {
    return 'unreachable';
  } finally {
    clearTimeout(timer);
  }
}

/** Messages API auth: the application's JWT when both its settings are there (the config schema allows both or neither), else the API key and secret. */
function messagesAuth(config: LedgerConfig): VonageMessagesAuth {
  return config.VONAGE_APPLICATION_ID && config.VONAGE_PRIVATE_KEY
    ? { applicationId: config.VONAGE_APPLICATION_ID, privateKey: config.VONAGE_PRIVATE_KEY }
    : { apiKey: config.VONAGE_API_KEY, apiSecret: config.VONAGE_API_SECRET };
}

/**
 * The notification gateways these settings give: both Vonage APIs (the API key and secret are
 * required anyway), WhatsApp with VONAGE_WHATSAPP_NUMBER, email with SMTP_URL and EMAIL_FROM.
 */
export function buildNotificationGateways(config: LedgerConfig): ConfiguredGateways & { close(): void } {
  const smsApi = new VonageSmsGateway({
    apiKey: config.VONAGE_API_KEY,
    apiSecret: config.VONAGE_API_SECRET,
    restHost: config.VONAGE_REST_HOST,
    from: config.VONAGE_FROM,
  });
  const messages = new VonageMessagesGateway({
    auth: messagesAuth(config),
    apiHost: config.VONAGE_MESSAGES_HOST,
    smsFrom: config.VONAGE_FROM,
    ...(config.VONAGE_WHATSAPP_NUMBER ? { whatsappFrom: config.VONAGE_WHATSAPP_NUMBER } : {}),
  });
  const smtp = config.SMTP_URL && config.EMAIL_FROM ? new SmtpGateway({ url: config.SMTP_URL, from: config.EMAIL_FROM }) : undefined;
  return {
    get(channel, gateway) {
      if (!canCarry(gateway, channel)) return undefined;
      if (gateway === 'vonage-sms') return smsApi;
      if (gateway === 'vonage-messages') return messages.carries(channel) ? messages : undefined;
      return smtp;
    },
    channelsOf,
    defaultRoutes: DEFAULT_ROUTES,
    close: () => smtp?.close(),
  };
}

/** Opens every pool and client of one worker; `close()` ends them all. */
export async function openInfrastructure(config: RelayConfig, overrides: InfrastructureOverrides = {}): Promise<Infrastructure> {
  if (!overrides.queue && !config.SERVICEBUS_CONNECTION && !config.SERVICEBUS_CONNECTION__fullyQualifiedNamespace) {
    throw new ConfigError('Missing setting SERVICEBUS_CONNECTION or SERVICEBUS_CONNECTION__fullyQualifiedNamespace (npm start runs an in-process queue)');
  }
  const gateways = buildNotificationGateways(config);
  // Pool sizes are settings: instances x pools must stay under the servers' max_connections (docs/deploy.md).
  const clientPool = createMysqlPool(config.CLIENT_DB_URL, config.CLIENT_DB_POOL_SIZE);
  const ledgerPool = createMysqlPool(config.LEDGER_DB_URL, config.LEDGER_DB_POOL_SIZE);
  const batchPool = createMysqlPool(config.LEDGER_DB_URL, config.LEDGER_DB_BATCH_POOL_SIZE, { multipleStatements: true });

  const cosmosSettings = {
    endpoint: config.COSMOS_ENDPOINT,
    database: config.COSMOS_DATABASE,
    container: config.COSMOS_JOBS_CONTAINER,
    ...(config.COSMOS_KEY ? { key: config.COSMOS_KEY } : {}),
    ...(config.AZURE_CLIENT_ID ? { managedIdentityClientId: config.AZURE_CLIENT_ID } : {}),
  };
  const cosmos = createCosmosClient(cosmosSettings);
  const jobsContainer = await openJobsContainer(cosmos, cosmosSettings);
  const discountCodesContainer = await openDiscountCodesContainer(cosmos, cosmosSettings, config.COSMOS_DISCOUNT_CODES_CONTAINER);

  const serviceBus = overrides.queue
    ? undefined
    : createServiceBusClient({
        queueName: config.SMS_QUEUE,
        ...(config.SERVICEBUS_CONNECTION ? { connectionString: config.SERVICEBUS_CONNECTION } : {}),
        ...(config.SERVICEBUS_CONNECTION__fullyQualifiedNamespace ? { fullyQualifiedNamespace: config.SERVICEBUS_CONNECTION__fullyQualifiedNamespace } : {}),
        ...(config.AZURE_CLIENT_ID ? { managedIdentityClientId: config.AZURE_CLIENT_ID } : {}),
      });

  return {
    config,
    clock: overrides.clock ?? systemClock,
    clientPool,
    ledgerPool,
    batchPool,
    jobsContainer,
    discountCodesContainer,
    queue: overrides.queue ?? new ServiceBusNotificationQueue(serviceBus!.createSender(config.SMS_QUEUE)),
    deadLetters: serviceBus ? new ServiceBusDeadLetters(serviceBus, config.SMS_QUEUE) : (overrides.deadLetters ?? noDeadLetterQueue),
    gateways,
    phoneKeys: new HmacPhoneKeys(config.PHONE_KEY_SECRET),
    logger: createConsoleLogger,
    async checkHealth() {
      const [clientDb, ledgerDb, cosmosDb] = await Promise.all([
        reachable(() => clientPool.query('SELECT 1')),
        reachable(() => ledgerPool.query('SELECT 1')),
        reachable(() => jobsContainer.read()),
      ]);
      return { clientDb, ledgerDb, cosmos: cosmosDb };
    },
    async close() {
      gateways.close();
      await Promise.allSettled([clientPool.end(), ledgerPool.end(), batchPool.end(), serviceBus?.close(), Promise.resolve(cosmos.dispose())]);
    },
  };
}
