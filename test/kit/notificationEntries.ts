import type { NotificationEntryWithDelivery } from '../../src/domain/notifications/ports.js';

const AT = new Date('2026-11-23T09:00:00.000Z');

/**
 * A notification-log entry as the log reads it back, for tests of the rules over entries: a courtesy
 * SMS of job 1, sent once, with no receipt; `fields` say what the test is about.
 */
export function notificationEntry(fields: Partial<NotificationEntryWithDelivery> = {}): NotificationEntryWithDelivery {
  return {
    messageKey: 'job-1-received',
    jobId: 1,
    customerId: 1,
    kind: 'job-received',
    channel: 'sms',
    state: 'sent',
    attempts: 1,
    gateway: 'vonage-sms',
    toMasked: '***456',
    toHash: null,
    providerMessageId: null,
    price: null,
    errorCode: null,
    detail: null,
    reason: null,
    createdAt: AT,
    updatedAt: AT,
    settledAt: null,
    scheduledFor: null,
    content: null,
    delivery: null,
    ...fields,
  };
}
