import { MysqlCustomers } from '../adapters/mysql/customers.js';
import { MysqlMessageStats } from '../adapters/mysql/messageStats.js';
import { MysqlNotificationLog } from '../adapters/mysql/notificationLog.js';
import { TokenBucket } from '../adapters/system/tokenBucket.js';
import { businessCalendar, type AppConfig } from '../config.js';
import type { ChannelsDeps } from '../domain/channels/channelsApi.js';
import type { JobsArea } from '../domain/jobs/jobServices.js';
import { ChannelSender } from '../domain/notifications/channelSender.js';
import { listDeadLetters, replayDeadLetters } from '../domain/notifications/deadLetters.js';
import { deferNotification } from '../domain/notifications/deferral.js';
import { listNotifications } from '../domain/notifications/deliveryLog.js';
import { recordDeliveryReceipt, type DeliveryReceipt } from '../domain/notifications/deliveryReceipts.js';
import type { NotificationMessage } from '../domain/notifications/notificationMessage.js';
import type { NotificationFilter, NotificationLog, SendGuard } from '../domain/notifications/ports.js';
import { sendNotification, type SendNotificationDeps, type SendNotificationSettings } from '../domain/notifications/sendNotification.js';
import { SendWindow } from '../domain/notifications/sendWindow.js';
import { batchedSettlement } from '../domain/notifications/settlement.js';
import type { Infrastructure } from '../infrastructure.js';

export function sendNotificationSettings(config: AppConfig): SendNotificationSettings {
  return { maxAttempts: config.SMS_MAX_ATTEMPTS, staleSendingMs: 5 * 60_000 };
}

/** This instance's share of the Vonage account's rate: the account-wide VONAGE_MAX_RPS over the instances that may send at once. */
export function vonageInstanceRate(config: Pick<AppConfig, 'VONAGE_MAX_RPS' | 'VONAGE_SENDING_INSTANCES'>): number {
  return config.VONAGE_MAX_RPS / config.VONAGE_SENDING_INSTANCES;
}

/** The one notification log of a worker: one MySQL class behind every role port, whose batching serves all its callers together. */
export function notificationLogOf(infra: Pick<Infrastructure, 'ledgerPool' | 'batchPool'>): NotificationLog {
  return new MysqlNotificationLog(infra.ledgerPool, infra.batchPool);
}

/**
 * Notifications: sending from the outbox queue, the notification log, delivery receipts and dead
 * letters. Settled notifications and receipts are reported to the jobs area's listeners (`area`);
 * a `sendGuard` (the runaway-sender guard) may hold a customer's messages.
 */
export function notificationsModule(
  area: Pick<JobsArea, 'notifier' | 'onSettled' | 'progress'>,
  notificationLog: NotificationLog,
  routes: ChannelsDeps,
  infra: Pick<Infrastructure, 'config' | 'ledgerPool' | 'batchPool' | 'queue' | 'clock' | 'deadLetters' | 'logger'>,
  sendGuard?: SendGuard,
) {
  const { clock, queue, deadLetters } = infra;
  const logger = infra.logger('sendNotification');
  const window = new SendWindow({ customers: new MysqlCustomers(infra.ledgerPool), calendar: businessCalendar(infra.config), ...(sendGuard ? { sendGuard } : {}) });
  const sending: SendNotificationDeps = {
    notificationLog,
    outbox: area.notifier.outbox,
    channels: new ChannelSender({
      ...routes,
      pacer: new TokenBucket(vonageInstanceRate(infra.config)),
      window,
      clock,
      logger,
    }),
    // One listener for every delivery of this instance, so notifications settling together are reported together.
    onSettled: batchedSettlement(area.onSettled),
    clock,
    logger,
    settings: sendNotificationSettings(infra.config),
  };
  const receipts = {
    notificationLog,
    stats: new MysqlMessageStats(infra.batchPool),
    onReceipt: area.progress,
    clock,
    logger: infra.logger('vonageDeliveryReceipt'),
    settings: { apiKey: infra.config.VONAGE_API_KEY },
  };
  return {
    sendNotification: (message: NotificationMessage) => sendNotification(sending, message),
    /** GET /api/notifications: the notification log, newest first. */
    listNotifications: (filter: NotificationFilter) => listNotifications({ notificationLog }, filter),
    /** Puts a message off after a failure that will pass, as a new scheduled message. */
    deferNotification: (message: NotificationMessage, currentMessageId: string, cause: unknown) => deferNotification({ queue, clock, logger }, message, currentMessageId, cause),
    recordDeliveryReceipt: (receipt: DeliveryReceipt) => recordDeliveryReceipt(receipts, receipt),
    listDeadLetters: (max: number) => listDeadLetters({ deadLetters }, max),
    replayDeadLetters: (max: number) => replayDeadLetters({ deadLetters, logger: infra.logger('deadLetters') }, max),
  };
}
