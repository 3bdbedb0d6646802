import { CosmosJobDocuments } from '../adapters/cosmos/jobDocuments.js';
import { MysqlClientJobs } from '../adapters/mysql/clientJobs.js';
import { MysqlCustomers } from '../adapters/mysql/customers.js';
import { MysqlJobTracking } from '../adapters/mysql/jobTracking.js';
import { MysqlJobTransactions } from '../adapters/mysql/jobTransactions.js';
import { MysqlMessageStats } from '../adapters/mysql/messageStats.js';
import { MysqlPayments } from '../adapters/mysql/payments.js';
import { MysqlPollCheckpoints } from '../adapters/mysql/pollCheckpoints.js';
import type { AppConfig } from '../config.js';
import { changeJobStatus, closeJob, getJobWithHistory, type StatusChange } from '../domain/jobs/jobApi.js';
import { pollDepsOf, wireJobsArea, type JobsArea } from '../domain/jobs/jobServices.js';
import { pollClientJobs, type PollSettings } from '../domain/jobs/pollClientJobs.js';
import type { NotificationLog } from '../domain/notifications/ports.js';
import type { Infrastructure } from '../infrastructure.js';

const MINUTE = 60_000;

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

type JobsInfra = Pick<Infrastructure, 'config' | 'clientPool' | 'ledgerPool' | 'batchPool' | 'jobsContainer' | 'queue' | 'phoneKeys' | 'clock' | 'logger'>;

/** The stores a job is kept in, built once per worker (the Cosmos adapter caches documents): the jobs area's own, lent to payments and feedback for the job's document and history. */
export function jobRecordsOf(infra: JobsInfra) {
  return {
    clientJobs: new MysqlClientJobs(infra.clientPool),
    documents: new CosmosJobDocuments(infra.jobsContainer),
    transactions: new MysqlJobTransactions(infra.ledgerPool),
  };
}

export type JobRecords = ReturnType<typeof jobRecordsOf>;

/**
 * The jobs area's collaborators, built once per worker: the job's progress (which hears of settled
 * notifications and receipts), the notifier (outbox, job events, repair) other areas tell customers
 * through, closure, status moves, intake and the status mirror.
 */
export function jobsAreaOf(infra: JobsInfra, records: JobRecords, notificationLog: NotificationLog): JobsArea {
  const ports = {
    ...records,
    tracking: new MysqlJobTracking(infra.ledgerPool),
    customers: new MysqlCustomers(infra.ledgerPool),
    payments: new MysqlPayments(infra.ledgerPool),
    notificationLog,
    stats: new MysqlMessageStats(infra.batchPool),
    queue: infra.queue,
    phoneKeys: infra.phoneKeys,
    clock: infra.clock,
    logger: infra.logger('jobs'),
  };
  return wireJobsArea(ports, pollSettings(infra.config));
}

/** Jobs: the client poll (ingest and status mirroring), the job API and closure. */
export function jobsModule(area: JobsArea, records: JobRecords, infra: Pick<Infrastructure, 'config' | 'ledgerPool' | 'clock'>) {
  const { clientJobs, documents, transactions } = records;
  const { clock } = infra;
  const payments = new MysqlPayments(infra.ledgerPool);
  const poll = pollDepsOf(area, { checkpoints: new MysqlPollCheckpoints(infra.ledgerPool), clientJobs, clock }, pollSettings(infra.config));
  return {
    pollClientJobs: () => pollClientJobs(poll),
    closeJob: (jobId: number) => closeJob({ documents, payments, closure: area.closure }, jobId),
    getJob: (jobId: number, requestId: string) => getJobWithHistory({ documents, transactions, clock }, jobId, requestId),
    changeJobStatus: (jobId: number, change: StatusChange, requestId: string) =>
      changeJobStatus({ clientJobs, documents, transactions, statusMoves: area.statusMoves, paidClosure: area.paidClosure, clock }, jobId, change, requestId),
  };
}
