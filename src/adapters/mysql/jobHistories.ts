import type { JobHistories, JobHistory } from '../../domain/console/ports.js';
import { MysqlCustomerFeedback } from './feedback.js';
import { MysqlInbox } from './inbox.js';
import { MysqlJobTransactions } from './jobTransactions.js';
import { MysqlNotificationLog } from './notificationLog.js';
import type { MysqlPool } from './pool.js';
import { MysqlStaffActions } from './staffActions.js';

/** A job has a few dozen notifications at most; the timeline reads up to this many. */
const MAX_JOB_NOTIFICATIONS = 500;

/** One job's rows of every ledger table its timeline shows, each read by the table's job index, together. */
export class MysqlJobHistories implements JobHistories {
  private readonly transactions: MysqlJobTransactions;
  private readonly notifications: MysqlNotificationLog;
  private readonly feedback: MysqlCustomerFeedback;
  private readonly staffActions: MysqlStaffActions;
  private readonly inbox: MysqlInbox;

  constructor(pool: MysqlPool) {
    this.transactions = new MysqlJobTransactions(pool);
    this.notifications = new MysqlNotificationLog(pool);
    this.feedback = new MysqlCustomerFeedback(pool);
    this.staffActions = new MysqlStaffActions(pool);
    this.inbox = new MysqlInbox(pool);
  }

  async read(jobId: number): Promise<JobHistory> {
    const [transactions, notifications, feedback, staffActions, inbound] = await Promise.all([
      this.transactions.history(jobId),
      this.notifications.list({ jobId, limit: MAX_JOB_NOTIFICATIONS }),
      this.feedback.forJob(jobId),
      this.staffActions.forJob(jobId),
      this.inbox.forJob(jobId),
    ]);
    return { transactions, notifications, feedback, staffActions, inbound };
  }
}
