import { MysqlPollCheckpoints } from '../adapters/mysql/pollCheckpoints.js';
import type { AppConfig } from '../config.js';
import { changeJobStatus, closeJob, getJobWithHistory, type StatusChange } from '../domain/jobs/jobApi.js';
import { pollClientJobs, type PollSettings } from '../domain/jobs/pollClientJobs.js';
import type { Infrastructure } from '../infrastructure.js';
import type { JobStores } from './jobStores.js';

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

/** Jobs: the client poll (ingest and status mirroring), the job API and closure. */
export function jobsModule(stores: JobStores, infra: Pick<Infrastructure, 'config' | 'ledgerPool' | 'logger'>) {
  const checkpoints = new MysqlPollCheckpoints(infra.ledgerPool);
  const settings = pollSettings(infra.config);
  return {
    pollClientJobs: () => pollClientJobs({ ...stores, logger: infra.logger('pollClientJobs'), checkpoints, settings }),
    closeJob: (jobId: number) => closeJob({ ...stores, logger: infra.logger('closeJob') }, jobId),
    getJob: (jobId: number, requestId: string) => getJobWithHistory(stores, jobId, requestId),
    changeJobStatus: (jobId: number, change: StatusChange, requestId: string) =>
      changeJobStatus({ ...stores, logger: infra.logger('changeJobStatus') }, jobId, change, requestId),
  };
}
