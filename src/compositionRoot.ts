import { createCosmosClient, openJobsContainer } from './adapters/cosmos/client.js';
import { CosmosJobDocuments } from './adapters/cosmos/jobDocuments.js';
import { createConsoleLogger, systemClock } from './adapters/system/consoleLogger.js';
import { MysqlClientJobs } from './adapters/mysql/clientJobs.js';
import { MysqlCustomerFeedback } from './adapters/mysql/feedback.js';
import { MysqlJobTransactions } from './adapters/mysql/jobTransactions.js';
import { migrateLedger } from './adapters/mysql/ledgerMigrations.js';
import { MysqlJobTracking } from './adapters/mysql/jobTracking.js';
import { MysqlMessageStats } from './adapters/mysql/messageStats.js';
import { MysqlPayments } from './adapters/mysql/payments.js';
import { MysqlPollCheckpoints } from './adapters/mysql/pollCheckpoints.js';
import { createMysqlPool } from './adapters/mysql/pool.js';
import { MysqlSmsLog } from './adapters/mysql/smsLog.js';
import { createServiceBusClient, ServiceBusSmsQueue } from './adapters/serviceBus/smsQueue.js';
import { VonageSmsGateway } from './adapters/vonage/smsGateway.js';
import { ConfigError, loadConfig, type AppConfig } from './config.js';
import type { ClosureResult } from './domain/jobs/closure.js';
import type { JobDocument } from './domain/jobs/job.js';
import { changeJobStatus, closeJob, getJobWithHistory, type StatusChange, type StatusChangeResult } from './domain/jobs/jobApi.js';
import type { Payment } from './domain/payments/ports.js';
import { recordPayment, type PaymentResult } from './domain/payments/recordPayment.js';
import { pollClientJobs, type PollReport, type PollSettings } from './domain/jobs/pollClientJobs.js';
import type { JobTransaction } from './domain/jobs/ports.js';
import type { SmsQueue } from './domain/notifications/ports.js';
import { sendSms, type SendSmsResult, type SendSmsSettings } from './domain/notifications/sendSms.js';
import type { SmsMessage } from './domain/notifications/smsMessage.js';
import { recordDeliveryReceipt, type DeliveryReceipt, type DeliveryReceiptResult } from './domain/notifications/deliveryReceipts.js';
import { recordInboundSms, type InboundSms, type InboundSmsResult } from './domain/feedback/recordReply.js';
import type { Clock } from './domain/shared/ports.js';
import type { StatsMessage, StatsRecordOutcome } from './domain/stats/ports.js';
import { queryStats, recordStatsMessages, type StatsQuery, type StatsQueryResult } from './domain/stats/messageStats.js';

/** The use cases the functions call, wired to real adapters. */
export interface Relay {
  readonly config: AppConfig;
  pollClientJobs(): Promise<PollReport>;
  sendSms(message: SmsMessage): Promise<SendSmsResult>;
  recordPayment(payment: Payment): Promise<PaymentResult>;
  closeJob(jobId: number): Promise<ClosureResult>;
  getJob(jobId: number, requestId: string): Promise<{ job: JobDocument; history: JobTransaction[] } | undefined>;
  changeJobStatus(jobId: number, change: StatusChange, requestId: string): Promise<StatusChangeResult>;
  /** Vonage delivery receipt (POST /api/webhooks/vonage/status). */
  recordDeliveryReceipt(receipt: DeliveryReceipt): Promise<DeliveryReceiptResult>;
  /** Customer SMS reply (POST /api/webhooks/vonage/inbound). */
  recordInboundSms(sms: InboundSms): Promise<InboundSmsResult>;
  /** Message statistics (POST /api/stats/messages and its batch form): one outcome per message, in order. */
  recordStatsMessages(messages: readonly StatsMessage[]): Promise<StatsRecordOutcome[]>;
  /** GET /api/stats. */
  queryStats(query: StatsQuery): Promise<StatsQueryResult>;
  /** Each dependency's reachability, for the health endpoint. */
  checkHealth(): Promise<Record<'clientDb' | 'ledgerDb' | 'cosmos', 'ok' | 'unreachable'>>;
  close(): Promise<void>;
}

export interface RelayOverrides {
  /** The local host's in-process queue stands in for Service Bus, which has no local emulator here. */
  queue?: SmsQueue;
  /** Tests fix the time messages are received at. */
  clock?: Clock;
}

const MINUTE = 60_000;

export function pollSettings(config: AppConfig): PollSettings {
  return {
    batchSize: config.POLL_BATCH_SIZE,
    lookbackIds: config.POLL_LOOKBACK_IDS,
    sweepIds: config.POLL_SWEEP_ROWS,
    requeueAfterMs: 10 * MINUTE,
    staleSendingMs: 5 * MINUTE,
    maxRunMs: 4 * MINUTE,
  };
}

export function sendSmsSettings(config: AppConfig): SendSmsSettings {
  return { from: config.VONAGE_FROM, maxAttempts: config.SMS_MAX_ATTEMPTS, staleSendingMs: 5 * MINUTE };
}

function required(config: AppConfig, names: Array<keyof AppConfig>, hint: string): void {
  const missing = names.filter((name) => config[name] === undefined);
  if (missing.length > 0) throw new ConfigError(`Missing setting ${missing.join(', ')}: ${hint}`);
}

export async function buildRelay(config: AppConfig, overrides: RelayOverrides = {}): Promise<Relay> {
  required(config, ['COSMOS_ENDPOINT'], 'the Cosmos DB account endpoint (npm start embeds a local one)');
  required(config, ['VONAGE_API_KEY', 'VONAGE_API_SECRET'], 'Vonage API credentials (npm start runs a local SMS sandbox)');
  if (!overrides.queue && !config.SERVICEBUS_CONNECTION && !config.SERVICEBUS_CONNECTION__fullyQualifiedNamespace) {
    throw new ConfigError(
      'Missing setting SERVICEBUS_CONNECTION or SERVICEBUS_CONNECTION__fullyQualifiedNamespace (npm start runs an in-process queue)',
    );
  }

  const clientPool = createMysqlPool(config.CLIENT_DB_URL);
  const ledgerPool = createMysqlPool(config.LEDGER_DB_URL);
  // Statistics send a whole transaction in one round trip, which needs multiple statements.
  const statsPool = createMysqlPool(config.LEDGER_DB_URL, 10, { multipleStatements: true });
  await migrateLedger(ledgerPool);

  const cosmosSettings = {
    endpoint: config.COSMOS_ENDPOINT as string,
    database: config.COSMOS_DATABASE,
    container: config.COSMOS_JOBS_CONTAINER,
    ...(config.COSMOS_KEY ? { key: config.COSMOS_KEY } : {}),
    ...(config.AZURE_CLIENT_ID ? { managedIdentityClientId: config.AZURE_CLIENT_ID } : {}),
  };
  const cosmos = createCosmosClient(cosmosSettings);
  const container = await openJobsContainer(cosmos, cosmosSettings);

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
  const queue = overrides.queue ?? new ServiceBusSmsQueue(serviceBus!.createSender(config.SMS_QUEUE));

  const shared = {
    clientJobs: new MysqlClientJobs(clientPool),
    documents: new CosmosJobDocuments(container),
    transactions: new MysqlJobTransactions(ledgerPool),
    smsLog: new MysqlSmsLog(ledgerPool),
    tracking: new MysqlJobTracking(ledgerPool),
    payments: new MysqlPayments(ledgerPool),
    queue,
    clock: overrides.clock ?? systemClock,
  };
  const withLogger = (component: string) => ({ ...shared, logger: createConsoleLogger(component) });
  const reachable = async (probe: () => Promise<unknown>) => {
    try {
      await probe();
      return 'ok' as const;
    } catch {
      return 'unreachable' as const;
    }
  };
  const gateway = new VonageSmsGateway({
    apiKey: config.VONAGE_API_KEY as string,
    apiSecret: config.VONAGE_API_SECRET as string,
    restHost: config.VONAGE_REST_HOST,
  });
  const checkpoints = new MysqlPollCheckpoints(ledgerPool);
  const feedback = new MysqlCustomerFeedback(ledgerPool);
  const stats = new MysqlMessageStats(statsPool);

  return {
    config,
    pollClientJobs: () => pollClientJobs({ ...withLogger('pollClientJobs'), checkpoints, settings: pollSettings(config) }),
    sendSms: (message) => sendSms({ ...withLogger('sendSms'), gateway, settings: sendSmsSettings(config) }, message),
    recordPayment: (payment) => recordPayment(withLogger('payments'), payment),
    closeJob: (jobId) => closeJob(withLogger('closeJob'), jobId),
    getJob: (jobId, requestId) => getJobWithHistory(withLogger('getJob'), jobId, requestId),
    changeJobStatus: (jobId, change, requestId) => changeJobStatus(withLogger('changeJobStatus'), jobId, change, requestId),
    recordDeliveryReceipt: (receipt) =>
      recordDeliveryReceipt({ ...withLogger('vonageDeliveryReceipt'), settings: { apiKey: config.VONAGE_API_KEY } }, receipt),
    recordInboundSms: (sms) => recordInboundSms({ ...withLogger('vonageInboundSms'), feedback }, sms),
    recordStatsMessages: (messages) => recordStatsMessages({ stats, clock: shared.clock }, messages),
    queryStats: (query) => queryStats({ stats }, query),
    async checkHealth() {
      const [clientDb, ledgerDb, cosmosDb] = await Promise.all([
        reachable(() => clientPool.query('SELECT 1')),
        reachable(() => ledgerPool.query('SELECT 1')),
        reachable(() => container.read()),
      ]);
      return { clientDb, ledgerDb, cosmos: cosmosDb };
    },
    async close() {
      await Promise.allSettled([clientPool.end(), ledgerPool.end(), statsPool.end(), serviceBus?.close(), Promise.resolve(cosmos.dispose())]);
    },
  };
}

let current: Promise<Relay> | undefined;
let factory: () => Promise<Relay> = () => buildRelay(loadConfig());

/** The one relay of this process, built on first use from the validated configuration. */
export function getRelay(): Promise<Relay> {
  current ??= factory().catch((error: unknown) => {
    current = undefined;
    throw error;
  });
  return current;
}

/** Lets the local host (and tests) build the relay their way; the functions keep calling getRelay(). */
export function provideRelay(build: () => Promise<Relay>): void {
  factory = build;
  current = undefined;
}
