import { MysqlConsoleJobs } from '../adapters/mysql/consoleJobs.js';
import { MysqlConsoleMessages } from '../adapters/mysql/consoleMessages.js';
import { MysqlInbox } from '../adapters/mysql/inbox.js';
import { MysqlJobHistories } from '../adapters/mysql/jobHistories.js';
import { MysqlStaffActions } from '../adapters/mysql/staffActions.js';
import { businessCalendar, countryCallingCodes } from '../config.js';
import { recordStaffAction } from '../domain/console/audit.js';
import { listFailures, replayFailures } from '../domain/console/failures.js';
import { listConsoleInbox, replyToInboxMessage, withCustomers } from '../domain/console/inbox.js';
import { listConsoleJobs, type JobListRequest } from '../domain/console/jobs.js';
import { listConsoleMessages, resendMessage, type MessageListRequest } from '../domain/console/messages.js';
import type { StaffUser } from '../domain/console/staff.js';
import { jobView } from '../domain/console/timeline.js';
import { MysqlCustomers } from '../adapters/mysql/customers.js';
import type { ClientJobs, JobDocuments } from '../domain/jobs/ports.js';
import type { Outbox } from '../domain/notifications/outbox.js';
import type { DeliveryRecords } from '../domain/notifications/ports.js';
import { setInboxStatus } from '../domain/inbox/inbox.js';
import type { InboxStatus } from '../domain/inbox/ports.js';
import type { Infrastructure } from '../infrastructure.js';

/** The staff console's reads and actions (issue 23): its lists, a job's timeline and the staff actions, each audited. */
export function consoleModule(
  shared: { documents: JobDocuments; clientJobs: ClientJobs; notificationLog: Pick<DeliveryRecords, 'getWithDelivery'>; outbox: Outbox },
  infra: Pick<Infrastructure, 'config' | 'ledgerPool' | 'clock' | 'deadLetters' | 'logger'>,
) {
  const jobs = new MysqlConsoleJobs(infra.ledgerPool);
  const messages = new MysqlConsoleMessages(infra.ledgerPool);
  const inbox = new MysqlInbox(infra.ledgerPool);
  const histories = new MysqlJobHistories(infra.ledgerPool);
  const audit = { staffActions: new MysqlStaffActions(infra.ledgerPool), clock: infra.clock };
  const { config, clock } = infra;
  const { documents, clientJobs, notificationLog, outbox } = shared;
  const customers = new MysqlCustomers(infra.ledgerPool);
  const view = { jobs, histories, documents, customers, calendar: businessCalendar(config) };
  const deadLetters = { deadLetters: infra.deadLetters, logger: infra.logger('console') };
  return {
    /** GET /api/staff/me: who is signed in, and the shop. */
    staffMe: (user: StaffUser) => ({ user, shop: { name: config.SHOP_NAME, timeZone: config.BUSINESS_TIMEZONE } }),
    listConsoleJobs: (request: JobListRequest) => listConsoleJobs({ jobs }, request),
    consoleJobView: (jobId: number) => jobView(view, jobId),
    listConsoleMessages: (request: MessageListRequest) => listConsoleMessages({ messages, timezone: config.BUSINESS_TIMEZONE }, request),
    resendConsoleMessage: async (user: StaffUser, notificationId: string) => {
      const resent = await resendMessage({ notificationLog, outbox, customers, clientJobs, messages }, notificationId);
      if (resent.ok) await recordStaffAction(audit, user, 'resend', resent.jobId, notificationId);
      return resent;
    },
    listConsoleInbox: (request: { status: InboxStatus; cursor?: string; limit: number }) => listConsoleInbox({ inbox, jobs, customers }, request),
    replyToInbox: async (user: StaffUser, messageId: string, text: string) => {
      const reply = await replyToInboxMessage({ inbox, outbox, clock, countryCodes: countryCallingCodes(config) }, messageId, text);
      if (reply.ok) await recordStaffAction(audit, user, 'reply', reply.jobId, messageId);
      return reply;
    },
    /** Undefined for an unknown message. */
    setConsoleInboxStatus: async (user: StaffUser, messageId: string, status: InboxStatus) => {
      const message = await setInboxStatus({ inbox, clock }, messageId, status);
      if (!message) return undefined;
      await recordStaffAction(audit, user, status, message.jobId, messageId);
      const [shown] = await withCustomers({ jobs, customers }, [message]);
      return shown;
    },
    listFailures: (q: string | undefined, limit: number) => listFailures({ ...deadLetters, messages }, q, limit),
    replayFailures: async (user: StaffUser, sequenceNumbers: readonly string[] | undefined) => {
      const replayed = await replayFailures(deadLetters, sequenceNumbers);
      for (const entry of replayed) await recordStaffAction(audit, user, 'replay', entry.jobId, entry.from);
      return replayed;
    },
  };
}
