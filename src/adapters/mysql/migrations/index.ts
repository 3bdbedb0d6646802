import { jobTransSmsLogCheckpoint } from './001-job-trans-sms-log-checkpoint.js';
import { paymentsTrackingFeedback } from './002-payments-tracking-feedback.js';
import { jobTrackingCoveringIndex } from './003-job-tracking-covering-index.js';
import { stripePaymentFlags } from './004-stripe-payment-flags.js';
import { smsLogToHashVersion } from './005-sms-log-to-hash-version.js';
import { messageStatistics } from './006-message-statistics.js';
import { pollCheckpointMirrorCursor } from './007-poll-checkpoint-mirror-cursor.js';
import { customers } from './008-customers.js';
import { notificationGateways } from './009-notification-gateways.js';
import { notificationLog } from './010-notification-log.js';
import { notificationLogScheduledFor } from './011-notification-log-scheduled-for.js';
import { messagesWithoutAJob } from './012-messages-without-a-job.js';
import { longerProviderMessageIds } from './013-longer-provider-message-ids.js';
import { gatewayHealth } from './014-gateway-health.js';
import { notificationLogSettledContent } from './016-notification-log-settled-content.js';
import { feedbackListAndInboxJobs } from './018-feedback-list-and-inbox-jobs.js';
import { statsMessageAnyUuid } from './019-stats-message-any-uuid.js';
import { phoneLookupKeysHmac } from './020-phone-lookup-keys-hmac.js';
import { staffActions } from './022-staff-actions.js';
import { consoleJobList } from './023-console-job-list.js';
import { consoleMessageList } from './024-console-message-list.js';
import type { LedgerMigration } from './migration.js';

/**
 * Every ledger migration, in the order they run. Append-only: a released migration's name is what
 * umzug recorded, so it is never renamed, and a change is a new file (NNN-what-it-does.ts, the
 * next free number) plus one line here. test/integration/ledgerMigrations.test.ts checks that
 * every file of this folder is listed, under its own name.
 */
export const MIGRATION_FILES: readonly LedgerMigration[] = [
  jobTransSmsLogCheckpoint,
  paymentsTrackingFeedback,
  jobTrackingCoveringIndex,
  stripePaymentFlags,
  smsLogToHashVersion,
  messageStatistics,
  pollCheckpointMirrorCursor,
  customers,
  notificationGateways,
  notificationLog,
  notificationLogScheduledFor,
  messagesWithoutAJob,
  longerProviderMessageIds,
  gatewayHealth,
  notificationLogSettledContent,
  feedbackListAndInboxJobs,
  statsMessageAnyUuid,
  phoneLookupKeysHmac,
  staffActions,
  consoleJobList,
  consoleMessageList,
];
