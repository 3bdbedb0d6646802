import { app, type InvocationContext } from '@azure/functions';
import { getRelay } from '../../processRelay.js';
import type { NotificationMessage } from '../../domain/notifications/notificationMessage.js';
import { parseNotificationMessage } from '../../adapters/serviceBus/notificationWire.js';
import { AttemptNotRecordedError, NotificationInFlightError } from '../../domain/notifications/attempts.js';
import { TransientError } from '../../domain/shared/transientError.js';

/** Thrown for a message that can never be processed: the host dead-letters it once deliveries run out. */
export class MalformedNotificationMessageError extends Error {
  override readonly name = 'MalformedNotificationMessageError';
}

/** A failure that will pass: the message is put off with backoff rather than redelivered at once. */
function passes(error: unknown): boolean {
  return error instanceof NotificationInFlightError || error instanceof AttemptNotRecordedError || error instanceof TransientError;
}

/** "sms job-received for job 12", "email broadcast to customer 7": never the address. */
function describe(message: NotificationMessage): string {
  const about = message.jobId !== null ? `for job ${message.jobId}` : message.customerId !== null ? `to customer ${message.customerId}` : 'to a sender who is no customer';
  return `${message.channel} ${message.event} ${about}`;
}

export async function sendNotificationHandler(body: unknown, context: InvocationContext): Promise<void> {
  const messageId = String(context.triggerMetadata?.messageId ?? 'unknown');
  const parsed = parseNotificationMessage(body);
  if (!parsed.ok) throw new MalformedNotificationMessageError(`outbound message ${messageId} is malformed: ${parsed.detail}`);
  const { message } = parsed;
  const relay = await getRelay();
  try {
    const result = await relay.sendNotification(message);
    context.log(`${describe(message)}: ${result}`);
  } catch (error) {
    if (!passes(error)) throw error;
    const deferred = await relay.deferNotification(message, messageId, error);
    if (deferred.outcome === 'give-up') throw error;
    context.warn(`${describe(message)} put off until ${deferred.until.toISOString()} as ${deferred.messageId}`);
  }
}

app.serviceBusQueue('sendNotification', { connection: 'SERVICEBUS_CONNECTION', queueName: '%SMS_QUEUE%', handler: sendNotificationHandler });
