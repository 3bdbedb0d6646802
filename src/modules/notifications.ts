import { TokenBucket } from '../adapters/system/tokenBucket.js';
import type { AppConfig } from '../config.js';
import type { ChannelsDeps } from '../domain/channels/channelsApi.js';
import { batchedCompleter } from '../domain/notifications/completion.js';
import { listDeadLetters, replayDeadLetters } from '../domain/notifications/deadLetters.js';
import { listNotifications } from '../domain/notifications/deliveryLog.js';
import { recordDeliveryReceipt, type DeliveryReceipt } from '../domain/notifications/deliveryReceipts.js';
import type { NotificationMessage } from '../domain/notifications/notificationMessage.js';
import type { NotificationFilter, SendGuard } from '../domain/notifications/ports.js';
import { deferNotification, sendNotification, type SendNotificationSettings } from '../domain/notifications/sendNotification.js';
import type { Infrastructure } from '../infrastructure.js';
import type { JobStores } from './jobStores.js';

export function sendNotificationSettings(config: AppConfig): SendNotificationSettings {
  return { maxAttempts: config.SMS_MAX_ATTEMPTS, staleSendingMs: 5 * 60_000 };
}

/** This instance's share of the Vonage account's rate: the account-wide VONAGE_MAX_RPS over the instances that may send at once. */
export function vonageInstanceRate(config: Pick<AppConfig, 'VONAGE_MAX_RPS' | 'VONAGE_SENDING_INSTANCES'>): number {
  return config.VONAGE_MAX_RPS / config.VONAGE_SENDING_INSTANCES;
}

/** Notifications: sending from the outbox queue, the notification log, delivery receipts and dead letters. */
export function notificationsModule(stores: JobStores, routes: ChannelsDeps, infra: Pick<Infrastructure, 'config' | 'deadLetters' | 'logger'>, sendGuard?: SendGuard) {
  const sending = { ...stores, logger: infra.logger('sendNotification') };
  // One completer for every delivery of this instance, so SMS settling together complete together.
  const completeJob = batchedCompleter(sending);
  const pacer = new TokenBucket(vonageInstanceRate(infra.config));
  const settings = sendNotificationSettings(infra.config);
  const { deadLetters } = infra;
  return {
    sendNotification: (message: NotificationMessage) => sendNotification({ ...sending, ...routes, completeJob, pacer, settings, ...(sendGuard ? { sendGuard } : {}) }, message),
    /** GET /api/notifications: the notification log, newest first. */
    listNotifications: (filter: NotificationFilter) => listNotifications(stores, filter),
    /** Puts a message off after a failure that will pass, as a new scheduled message. */
    deferNotification: (message: NotificationMessage, currentMessageId: string, cause: unknown) => deferNotification(sending, message, currentMessageId, cause),
    recordDeliveryReceipt: (receipt: DeliveryReceipt) =>
      recordDeliveryReceipt({ ...stores, logger: infra.logger('vonageDeliveryReceipt'), settings: { apiKey: infra.config.VONAGE_API_KEY } }, receipt),
    listDeadLetters: (max: number) => listDeadLetters({ deadLetters }, max),
    replayDeadLetters: (max: number) => replayDeadLetters({ deadLetters, logger: infra.logger('deadLetters') }, max),
  };
}
