import { MysqlConsoleJobs } from '../adapters/mysql/consoleJobs.js';
import { MysqlJobHistories } from '../adapters/mysql/jobHistories.js';
import { listConsoleJobs, type JobListRequest } from '../domain/console/jobs.js';
import type { StaffUser } from '../domain/console/staff.js';
import { jobView } from '../domain/console/timeline.js';
import type { Infrastructure } from '../infrastructure.js';
import type { JobStores } from './jobStores.js';

/** The staff console's reads and actions (issue 23): its lists, a job's timeline and the audited staff actions. */
export function consoleModule(stores: JobStores, infra: Pick<Infrastructure, 'config' | 'ledgerPool'>) {
  const jobs = new MysqlConsoleJobs(infra.ledgerPool);
  const histories = new MysqlJobHistories(infra.ledgerPool);
  const { config } = infra;
  return {
    /** GET /api/staff/me: who is signed in, and the shop. */
    staffMe: (user: StaffUser) => ({ user, shop: { name: config.SHOP_NAME, timeZone: config.BUSINESS_TIMEZONE } }),
    listConsoleJobs: (request: JobListRequest) => listConsoleJobs({ jobs }, request),
    consoleJobView: (jobId: number) => jobView({ jobs, histories, documents: stores.documents, customers: stores.customers, calendar: stores.calendar }, jobId),
  };
}
