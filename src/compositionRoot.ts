import { createCosmosClient, openDiscountCodesContainer, openJobsContainer } from './adapters/cosmos/client.js';
import { CosmosConditionalDocuments } from './adapters/cosmos/conditionalDocuments.js';
import { CosmosJobDocuments } from './adapters/cosmos/jobDocuments.js';
import { cryptoRandom } from './adapters/system/cryptoRandom.js';
import { createConsoleLogger, systemClock } from './adapters/system/consoleLogger.js';
import { MysqlClientJobs } from './adapters/mysql/clientJobs.js';
import { MysqlCustomerFeedback } from './adapters/mysql/feedback.js';
import { MysqlCustomers } from './adapters/mysql/customers.js';
import { MysqlJobTransactions } from './adapters/mysql/jobTransactions.js';
import { LEDGER_MIGRATIONS, migrateLedger } from './adapters/mysql/ledgerMigrations.js';
import { MysqlJobTracking } from './adapters/mysql/jobTracking.js';
import { MysqlPaymentFlags } from './adapters/mysql/paymentFlags.js';
import { MysqlMessageStats } from './adapters/mysql/messageStats.js';
import { MysqlPayments } from './adapters/mysql/payments.js';
import { MysqlPollCheckpoints } from './adapters/mysql/pollCheckpoints.js';
import { createMysqlPool } from './adapters/mysql/pool.js';
import { MysqlNotificationLog } from './adapters/mysql/notificationLog.js';
import { MysqlBroadcasts } from './adapters/mysql/broadcasts.js';
import { MysqlInbox } from './adapters/mysql/inbox.js';
import { listInbox, setInboxStatus } from './domain/inbox/inbox.js';
import { listFeedback, type FeedbackList } from './domain/feedback/listFeedback.js';
import type { FeedbackPage } from './domain/feedback/ports.js';
import type { InboxMessage, InboxStatus } from './domain/inbox/ports.js';
import { sendBroadcast, type BroadcastRequest, type BroadcastResult } from './domain/broadcasts/broadcast.js';
import { createServiceBusClient, ServiceBusNotificationQueue } from './adapters/serviceBus/notificationQueue.js';
import { HmacPhoneKeys } from './adapters/signatures/phoneKeys.js';
import { VonageSmsGateway } from './adapters/vonage/smsGateway.js';
import { VonageMessagesGateway, type VonageMessagesAuth } from './adapters/vonage/messagesGateway.js';
import { SmtpGateway } from './adapters/email/smtpGateway.js';
import { MysqlGatewayRegistry } from './adapters/mysql/gatewayRegistry.js';
import {
  addChannelGateway,
  listChannels,
  seedDefaultRoutes,
  updateChannelGateway,
  type AddChannelGatewayResult,
  type ChannelView,
  type UpdateChannelGatewayResult,
} from './domain/channels/channelsApi.js';
import { canCarry, type Channel, type ConfiguredGateways, type GatewayName, type GatewayRouteChange } from './domain/channels/ports.js';
import { ConfigError, countryCallingCodes, loadConfig, webhookSecret, type AppConfig } from './config.js';
import type { ClosureResult } from './domain/jobs/closure.js';
import type { JobDocument } from './domain/jobs/job.js';
import { changeJobStatus, closeJob, getJobWithHistory, type StatusChange, type StatusChangeResult } from './domain/jobs/jobApi.js';
import type { Payment } from './domain/payments/ports.js';
import { recordPayment, type PaymentResult } from './domain/payments/recordPayment.js';
import { recordProviderEvent, type ProviderEvent, type ProviderEventResult } from './domain/payments/recordProviderEvent.js';
import { pollClientJobs, type PollReport, type PollSettings } from './domain/jobs/pollClientJobs.js';
import type { JobTransaction } from './domain/jobs/ports.js';
import type { DeadLetter, DeadLetterQueue, NotificationFilter, NotificationQueue } from './domain/notifications/ports.js';
import { batchedCompleter } from './domain/notifications/completion.js';
import { listNotifications, type NotificationView } from './domain/notifications/deliveryLog.js';
import {
  deferNotification,
  sendNotification,
  type DeferNotificationResult,
  type SendNotificationResult,
  type SendNotificationSettings,
} from './domain/notifications/sendNotification.js';
import { TokenBucket } from './adapters/system/tokenBucket.js';
import { ServiceBusDeadLetters } from './adapters/serviceBus/deadLetters.js';
import { listDeadLetters, replayDeadLetters } from './domain/notifications/deadLetters.js';
import type { NotificationMessage } from './domain/notifications/notificationMessage.js';
import { recordDeliveryReceipt, type DeliveryReceipt, type DeliveryReceiptResult } from './domain/notifications/deliveryReceipts.js';
import { recordInboundSms, type InboundSms, type InboundSmsResult } from './domain/feedback/recordReply.js';
import type { Clock } from './domain/shared/ports.js';
import type { Customer, CustomerInput, SubscriptionInput } from './domain/customers/customer.js';
import {
  createCustomer,
  customerNextSendTime,
  getCustomer,
  replaceSubscriptions,
  updateCustomer,
  type CustomerApiResult,
  type NextSendTimeResult,
} from './domain/customers/customerApi.js';
import { parseBusinessCalendar, type BusinessCalendar } from './domain/windows/businessCalendar.js';
import type { StatsMessage, StatsRecordOutcome } from './domain/stats/ports.js';
import { queryStats, recordStatsMessages, type StatsQuery, type StatsQueryResult } from './domain/stats/messageStats.js';
import {
  claimDiscountCodeForCustomer,
  discountCodeCounts,
  generateDiscountCodes,
  redeemDiscountCode,
  type CustomerClaimOutcome,
  type GenerationRequest,
  type GenerationResult,
  type GenerationSettings,
} from './domain/discounts/discountCodes.js';
import type { DiscountCodeCounts, RedeemOutcome } from './domain/discounts/ports.js';
import { DiscountCodeProtocol } from './domain/discounts/protocol.js';

/** The use cases the functions call, wired to real adapters. */
export interface Relay {
  readonly config: AppConfig;
  pollClientJobs(): Promise<PollReport>;
  sendNotification(message: NotificationMessage): Promise<SendNotificationResult>;
  /** GET /api/notifications: the notification log, newest first. */
  listNotifications(filter: NotificationFilter): Promise<NotificationView[]>;
  /** Puts a message off after a failure that will pass, as a new scheduled message (sendNotification function). */
  deferNotification(message: NotificationMessage, currentMessageId: string, cause: unknown): Promise<DeferNotificationResult>;
  recordPayment(payment: Payment): Promise<PaymentResult>;
  /** A verified payment provider event (POST /api/payments/stripe). */
  recordProviderEvent(event: ProviderEvent): Promise<ProviderEventResult>;
  closeJob(jobId: number): Promise<ClosureResult>;
  getJob(jobId: number, requestId: string): Promise<{ job: JobDocument; history: JobTransaction[] } | undefined>;
  changeJobStatus(jobId: number, change: StatusChange, requestId: string): Promise<StatusChangeResult>;
  /** Vonage delivery receipt (POST /api/webhooks/vonage/status). */
  recordDeliveryReceipt(receipt: DeliveryReceipt): Promise<DeliveryReceiptResult>;
  /** Customer SMS reply (POST /api/webhooks/vonage/inbound). */
  recordInboundSms(sms: InboundSms): Promise<InboundSmsResult>;
  /** The outbound queue's dead letters (GET /api/ops/dead-letters). */
  listDeadLetters(max: number): Promise<DeadLetter[]>;
  /** Sends dead letters back to the queue (POST /api/ops/dead-letters/replay). */
  replayDeadLetters(max: number): Promise<Array<{ from: string; to: string }>>;
  /** Message statistics (POST /api/stats/messages and its batch form): one outcome per message, in order. */
  recordStatsMessages(messages: readonly StatsMessage[]): Promise<StatsRecordOutcome[]>;
  /** GET /api/stats. */
  queryStats(query: StatsQuery): Promise<StatsQueryResult>;
  /** POST /api/customers. */
  createCustomer(input: CustomerInput): Promise<CustomerApiResult>;
  /** GET /api/customers/{customerId}. */
  getCustomer(customerId: number): Promise<Customer | undefined>;
  /** PATCH /api/customers/{customerId}. */
  updateCustomer(customerId: number, input: CustomerInput): Promise<CustomerApiResult>;
  /** GET /api/customers/{customerId}/next-send-time. */
  customerNextSendTime(customerId: number, at: Date): Promise<NextSendTimeResult>;
  /** GET /api/inbox. */
  listInbox(status: InboxStatus, limit: number): Promise<InboxMessage[]>;
  /** GET /api/feedback. */
  listFeedback(page: FeedbackPage): Promise<FeedbackList>;
  /** PATCH /api/inbox/{messageId}; undefined for an unknown message. */
  setInboxStatus(messageId: string, status: InboxStatus): Promise<InboxMessage | undefined>;
  /** POST /api/broadcasts. */
  sendBroadcast(request: BroadcastRequest): Promise<BroadcastResult>;
  /** PUT /api/customers/{customerId}/subscriptions. */
  replaceSubscriptions(customerId: number, subscriptions: readonly SubscriptionInput[]): Promise<CustomerApiResult>;
  /** GET /api/channels. */
  listChannels(): Promise<ChannelView[]>;
  /** POST /api/channels/{channel}/gateways. */
  addChannelGateway(channel: Channel, input: { gateway: GatewayName; priority: number }): Promise<AddChannelGatewayResult>;
  /** PATCH /api/channels/{channel}/gateways/{gateway}. */
  updateChannelGateway(channel: Channel, gateway: GatewayName, change: GatewayRouteChange): Promise<UpdateChannelGatewayResult>;
  /** POST /api/brands/{brandId}/discount-codes. */
  generateDiscountCodes(request: GenerationRequest): Promise<GenerationResult>;
  /** GET /api/brands/{brandId}/discount-codes; undefined for a brand without codes. */
  discountCodeCounts(brandId: string): Promise<DiscountCodeCounts | undefined>;
  /** POST /api/brands/{brandId}/discount-codes/claim. */
  claimDiscountCode(brandId: string, customerId: number): Promise<CustomerClaimOutcome>;
  /** POST /api/discount-codes/{code}/redeem, the code normalized. */
  redeemDiscountCode(code: string): Promise<RedeemOutcome>;
  /** Each dependency's reachability, for the health endpoint. */
  checkHealth(): Promise<Record<'clientDb' | 'ledgerDb' | 'cosmos', 'ok' | 'unreachable'>>;
  close(): Promise<void>;
}

export interface RelayOverrides {
  /** The local host's in-process queue stands in for Service Bus, which has no local emulator here. */
  queue?: NotificationQueue;
  /** The stand-in queue's dead letters; without them (tests with an in-memory queue) there are none to list. */
  deadLetters?: DeadLetterQueue;
  /** Tests fix the time messages are received at. */
  clock?: Clock;
}

const MINUTE = 60_000;

const noDeadLetterQueue: DeadLetterQueue = {
  list: () => Promise.reject(new ConfigError('this host has no dead-letter queue (an in-memory queue stands in for Service Bus)')),
  replay: () => Promise.reject(new ConfigError('this host has no dead-letter queue (an in-memory queue stands in for Service Bus)')),
};
/** The health endpoint answers within this, whatever a dependency does (a frozen database never answers). */
const HEALTH_PROBE_TIMEOUT_MS = 2_000;

export function pollSettings(config: AppConfig): PollSettings {
  return {
    batchSize: config.POLL_BATCH_SIZE,
    lookbackIds: config.POLL_LOOKBACK_IDS,
    sweepIds: config.POLL_SWEEP_ROWS,
    mirrorRows: config.POLL_MIRROR_ROWS,
    requeueAfterMs: 10 * MINUTE,
    staleSendingMs: 5 * MINUTE,
    maxRunMs: 4 * MINUTE,
  };
}

/** Chunks of 2,000 codes (40 bulk requests); a request stops starting chunks after a minute, far inside the HTTP limit of 230 s. */
export const DISCOUNT_GENERATION_SETTINGS: GenerationSettings = { chunkSize: 2000, timeBudgetMs: MINUTE };

export function sendNotificationSettings(config: AppConfig): SendNotificationSettings {
  return { maxAttempts: config.SMS_MAX_ATTEMPTS, staleSendingMs: 5 * MINUTE };
}

/** This instance's share of the Vonage account's rate: the account-wide VONAGE_MAX_RPS over the instances that may send at once. */
export function vonageInstanceRate(config: Pick<AppConfig, 'VONAGE_MAX_RPS' | 'VONAGE_SENDING_INSTANCES'>): number {
  return config.VONAGE_MAX_RPS / config.VONAGE_SENDING_INSTANCES;
}

/** Messages API auth: the application's JWT when both its settings are there, else the API key and secret. */
function messagesAuth(config: AppConfig): VonageMessagesAuth {
  if (Boolean(config.VONAGE_APPLICATION_ID) !== Boolean(config.VONAGE_PRIVATE_KEY)) {
    throw new ConfigError('Set both VONAGE_APPLICATION_ID and VONAGE_PRIVATE_KEY (Messages API with JWT), or neither (the API key and secret)');
  }
  return config.VONAGE_APPLICATION_ID && config.VONAGE_PRIVATE_KEY
    ? { applicationId: config.VONAGE_APPLICATION_ID, privateKey: config.VONAGE_PRIVATE_KEY }
    : { apiKey: config.VONAGE_API_KEY as string, apiSecret: config.VONAGE_API_SECRET as string };
}

/**
 * The notification gateways these settings give: both Vonage APIs (the API key and secret are
 * required anyway), WhatsApp with VONAGE_WHATSAPP_NUMBER, email with SMTP_URL and EMAIL_FROM.
 */
export function buildNotificationGateways(config: AppConfig): ConfiguredGateways & { close(): void } {
  if (Boolean(config.SMTP_URL) !== Boolean(config.EMAIL_FROM)) {
    throw new ConfigError('Set both SMTP_URL and EMAIL_FROM to send email, or neither');
  }
  const smsApi = new VonageSmsGateway({
    apiKey: config.VONAGE_API_KEY as string,
    apiSecret: config.VONAGE_API_SECRET as string,
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
    close: () => smtp?.close(),
  };
}

/** The business's opening hours (BUSINESS_TIMEZONE, BUSINESS_HOURS, BUSINESS_CLOSED_DATES), checked by the config schema already. */
export function businessCalendar(config: AppConfig): BusinessCalendar {
  const calendar = parseBusinessCalendar(config);
  if (!calendar.ok) throw new ConfigError(`Invalid business calendar: ${calendar.detail}`);
  return calendar.value;
}

function required(config: AppConfig, names: Array<keyof AppConfig>, hint: string): void {
  const missing = names.filter((name) => config[name] === undefined);
  if (missing.length > 0) throw new ConfigError(`Missing setting ${missing.join(', ')}: ${hint}`);
}

export async function buildRelay(config: AppConfig, overrides: RelayOverrides = {}): Promise<Relay> {
  required(config, ['COSMOS_ENDPOINT'], 'the Cosmos DB account endpoint (npm start embeds a local one)');
  required(config, ['VONAGE_API_KEY', 'VONAGE_API_SECRET'], 'Vonage API credentials (npm start runs a local SMS sandbox)');
  required(config, ['PHONE_KEY_SECRET'], 'the secret that keys phone lookup keys in the ledger, at least 32 characters (openssl rand -hex 32)');
  webhookSecret(config); // unsigned webhooks would let anyone unsubscribe customers, score jobs and send SMS
  if (!overrides.queue && !config.SERVICEBUS_CONNECTION && !config.SERVICEBUS_CONNECTION__fullyQualifiedNamespace) {
    throw new ConfigError(
      'Missing setting SERVICEBUS_CONNECTION or SERVICEBUS_CONNECTION__fullyQualifiedNamespace (npm start runs an in-process queue)',
    );
  }

  const gateways = buildNotificationGateways(config);
  // Pool sizes are settings: instances x pools must stay under the servers' max_connections (docs/deploy.md).
  const clientPool = createMysqlPool(config.CLIENT_DB_URL, config.CLIENT_DB_POOL_SIZE);
  const ledgerPool = createMysqlPool(config.LEDGER_DB_URL, config.LEDGER_DB_POOL_SIZE);
  const clientJobs = new MysqlClientJobs(clientPool);
  const phoneKeys = new HmacPhoneKeys(config.PHONE_KEY_SECRET as string);
  // Statistics send a whole transaction in one round trip, and the notification log the claims and
  // outcomes of concurrent deliveries: both need multiple statements (values stay placeholders).
  const statsPool = createMysqlPool(config.LEDGER_DB_URL, config.LEDGER_DB_BATCH_POOL_SIZE, { multipleStatements: true });
  const registry = new MysqlGatewayRegistry(ledgerPool);

  const cosmosSettings = {
    endpoint: config.COSMOS_ENDPOINT as string,
    database: config.COSMOS_DATABASE,
    container: config.COSMOS_JOBS_CONTAINER,
    ...(config.COSMOS_KEY ? { key: config.COSMOS_KEY } : {}),
    ...(config.AZURE_CLIENT_ID ? { managedIdentityClientId: config.AZURE_CLIENT_ID } : {}),
  };
  const cosmos = createCosmosClient(cosmosSettings);
  const container = await openJobsContainer(cosmos, cosmosSettings);
  const discountCodesContainer = await openDiscountCodesContainer(cosmos, cosmosSettings, config.COSMOS_DISCOUNT_CODES_CONTAINER);

  const serviceBus = overrides.queue
    ? undefined
    : createServiceBusClient({
        queueName: config.SMS_QUEUE,
        ...(config.SERVICEBUS_CONNECTION ? { connectionString: config.SERVICEBUS_CONNECTION } : {}),
        ...(config.SERVICEBUS_CONNECTION__fullyQualifiedNamespace
          ? { fullyQualifiedNamespace: config.SERVICEBUS_CONNECTION__fullyQualifiedNamespace }
          : {}),
        ...(config.AZURE_CLIENT_ID ? { managedIdentityClientId: config.AZURE_CLIENT_ID } : {}),
      });
  const queue = overrides.queue ?? new ServiceBusNotificationQueue(serviceBus!.createSender(config.SMS_QUEUE));
  const deadLetters: DeadLetterQueue = serviceBus ? new ServiceBusDeadLetters(serviceBus, config.SMS_QUEUE) : (overrides.deadLetters ?? noDeadLetterQueue);

  const shared = {
    clientJobs,
    documents: new CosmosJobDocuments(container),
    transactions: new MysqlJobTransactions(ledgerPool),
    notificationLog: new MysqlNotificationLog(ledgerPool, statsPool),
    tracking: new MysqlJobTracking(ledgerPool),
    payments: new MysqlPayments(ledgerPool),
    customers: new MysqlCustomers(ledgerPool),
    calendar: businessCalendar(config),
    stats: new MysqlMessageStats(statsPool),
    queue,
    phoneKeys,
    clock: overrides.clock ?? systemClock,
  };
  const withLogger = (component: string) => ({ ...shared, logger: createConsoleLogger(component) });
  const reachable = async (probe: () => Promise<unknown>) => {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('health probe timed out')), HEALTH_PROBE_TIMEOUT_MS);
    });
    try {
      await Promise.race([probe(), deadline]);
      return 'ok' as const;
    } catch {
      return 'unreachable' as const;
    } finally {
      clearTimeout(timer);
    }
  };
  const pacer = new TokenBucket(vonageInstanceRate(config));
  const channels = { registry, gateways };
  const checkpoints = new MysqlPollCheckpoints(ledgerPool);
  const feedback = new MysqlCustomerFeedback(ledgerPool);
  const paymentFlags = new MysqlPaymentFlags(ledgerPool);
  const broadcasts = new MysqlBroadcasts(ledgerPool);
  const inbox = new MysqlInbox(ledgerPool);
  // One completer for every delivery of this instance, so SMS settling together complete together.
  const completeJob = batchedCompleter(withLogger('sendNotification'));
  const discountCodes = new DiscountCodeProtocol(new CosmosConditionalDocuments(discountCodesContainer), shared.clock, cryptoRandom);

  return {
    config,
    pollClientJobs: () => pollClientJobs({ ...withLogger('pollClientJobs'), checkpoints, settings: pollSettings(config) }),
    sendNotification: (message) =>
      sendNotification({ ...withLogger('sendNotification'), completeJob, registry, gateways, pacer, settings: sendNotificationSettings(config) }, message),
    listNotifications: (filter) => listNotifications(shared, filter),
    deferNotification: (message, currentMessageId, cause) => deferNotification(withLogger('sendNotification'), message, currentMessageId, cause),
    recordPayment: (payment) => recordPayment(withLogger('payments'), payment),
    recordProviderEvent: (event) => recordProviderEvent({ ...withLogger('stripeWebhook'), flags: paymentFlags }, event),
    closeJob: (jobId) => closeJob(withLogger('closeJob'), jobId),
    getJob: (jobId, requestId) => getJobWithHistory(withLogger('getJob'), jobId, requestId),
    changeJobStatus: (jobId, change, requestId) => changeJobStatus(withLogger('changeJobStatus'), jobId, change, requestId),
    recordDeliveryReceipt: (receipt) =>
      recordDeliveryReceipt({ ...withLogger('vonageDeliveryReceipt'), settings: { apiKey: config.VONAGE_API_KEY } }, receipt),
    recordInboundSms: (sms) =>
      recordInboundSms(
        {
          ...withLogger('vonageInboundSms'),
          feedback,
          inbox,
          codes: discountCodes,
          rewardBrand: config.FEEDBACK_REWARD_BRAND,
          autoReplyCountryCodes: countryCallingCodes(config),
          stopUnsubscribesAllChannels: config.STOP_UNSUBSCRIBES_ALL_CHANNELS === 'true',
        },
        sms,
      ),
    listInbox: (status, limit) => listInbox({ inbox }, status, limit),
    listFeedback: (page) => listFeedback({ feedback }, page),
    setInboxStatus: (messageId, status) => setInboxStatus({ inbox, clock: shared.clock }, messageId, status),
    listDeadLetters: (max) => listDeadLetters({ deadLetters }, max),
    replayDeadLetters: (max) => replayDeadLetters({ ...withLogger('deadLetters'), deadLetters }, max),
    recordStatsMessages: (messages) => recordStatsMessages(shared, messages),
    queryStats: (query) => queryStats(shared, query),
    customerNextSendTime: (customerId, at) => customerNextSendTime(shared, customerId, at),
    sendBroadcast: (request) => sendBroadcast({ ...withLogger('sendBroadcast'), broadcasts }, request),
    createCustomer: (input) => createCustomer(shared, input),
    getCustomer: (customerId) => getCustomer(shared, customerId),
    updateCustomer: (customerId, input) => updateCustomer(shared, customerId, input),
    replaceSubscriptions: (customerId, subscriptions) => replaceSubscriptions(shared, customerId, subscriptions),
    listChannels: () => listChannels(channels),
    addChannelGateway: (channel, input) => addChannelGateway(channels, channel, input),
    updateChannelGateway: (channel, gatewayName, change) => updateChannelGateway(channels, channel, gatewayName, change),
    generateDiscountCodes: (request) =>
      generateDiscountCodes({ codes: discountCodes, random: cryptoRandom, clock: shared.clock, settings: DISCOUNT_GENERATION_SETTINGS }, request),
    discountCodeCounts: (brandId) => discountCodeCounts({ codes: discountCodes }, brandId),
    claimDiscountCode: (brandId, customerId) => claimDiscountCodeForCustomer({ codes: discountCodes, customers: shared.customers }, brandId, customerId),
    redeemDiscountCode: (code) => redeemDiscountCode({ codes: discountCodes }, code),
    async checkHealth() {
      const [clientDb, ledgerDb, cosmosDb] = await Promise.all([
        reachable(() => clientPool.query('SELECT 1')),
        reachable(() => ledgerPool.query('SELECT 1')),
        reachable(() => container.read()),
      ]);
      return { clientDb, ledgerDb, cosmos: cosmosDb };
    },
    async close() {
      gateways.close();
      await Promise.allSettled([clientPool.end(), ledgerPool.end(), statsPool.end(), serviceBus?.close(), Promise.resolve(cosmos.dispose())]);
    },
  };
}

/**
 * The ledger's deployment step, never part of a worker's start (the prepareLedger timer function
 * runs it once per start of the app on one instance; `npm start` before it serves): the pending
 * migrations, the phone-key re-keying among them, then the configured gateways' default routes
 * (INSERT IGNORE, so operators' changes stick). On a current ledger it reads schema_migrations and
 * changes nothing. Returns the migrations it applied.
 */
export async function prepareLedger(config: AppConfig): Promise<string[]> {
  required(config, ['VONAGE_API_KEY', 'VONAGE_API_SECRET'], 'Vonage API credentials (npm start runs a local SMS sandbox)');
  required(config, ['PHONE_KEY_SECRET'], 'the secret that keys phone lookup keys in the ledger, at least 32 characters (openssl rand -hex 32)');
  const gateways = buildNotificationGateways(config);
  // Two ledger connections: the migrations hold one under their lock, the re-keying takes another.
  const ledgerPool = createMysqlPool(config.LEDGER_DB_URL, 2);
  const clientPool = createMysqlPool(config.CLIENT_DB_URL, 1);
  try {
    const applied = await migrateLedger(ledgerPool, LEDGER_MIGRATIONS, {
      clientJobs: new MysqlClientJobs(clientPool),
      phoneKeys: new HmacPhoneKeys(config.PHONE_KEY_SECRET as string),
    });
    await seedDefaultRoutes({ registry: new MysqlGatewayRegistry(ledgerPool), gateways });
    return applied;
  } finally {
    gateways.close();
    await Promise.allSettled([ledgerPool.end(), clientPool.end()]);
  }
}

let current: Promise<Relay> | undefined;
let factory: () => Promise<Relay> = () => buildRelay(loadConfig());

/**
 * The one relay of this process, built on first use from the validated configuration. Every
 * caller shares one build; a failed build is retried by the next call.
 */
export function getRelay(): Promise<Relay> {
  current ??= factory().catch((error: unknown) => {
    current = undefined;
    throw error;
  });
  return current;
}

/**
 * The app's start (the `appStart` hook in src/functions/index.ts): builds the relay now, so a bad
 * configuration stops the start instead of the first request. It does no schema work (that is
 * prepareLedger's, a deployment step) and is the relay getRelay() hands out, so nothing is built twice.
 */
export async function startRelay(log: (message: string) => void = console.error): Promise<Relay> {
  try {
    return await getRelay();
  } catch (error) {
    const what = error instanceof ConfigError ? 'configuration is invalid' : 'could not start';
    log(`Repair Relay ${what}: ${error instanceof Error ? error.message : String(error)}`);
    throw error;
  }
}

/** Lets the local host (and tests) build the relay their way; the functions keep calling getRelay(). */
export function provideRelay(build: () => Promise<Relay>): void {
  factory = build;
  current = undefined;
}
