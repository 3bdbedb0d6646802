import { app, type InvocationContext } from '@azure/functions';
import { isTransientInfrastructureError } from '../../adapters/system/transientErrors.js';
import { getRelay } from '../../compositionRoot.js';
import { SmsAttemptNotRecordedError, SmsInFlightError } from '../../domain/notifications/sendSms.js';
import { parseSmsMessage } from '../../domain/notifications/smsMessage.js';

/** Thrown for a message that can never be processed: the host dead-letters it once deliveries run out. */
export class MalformedSmsMessageError extends Error {
  override readonly name = 'MalformedSmsMessageError';
}

/** A failure that will pass: the message is put off with backoff rather than redelivered at once. */
function passes(error: unknown): boolean {
  return error instanceof SmsInFlightError || error instanceof SmsAttemptNotRecordedError || isTransientInfrastructureError(error);
}

export async function sendSmsHandler(body: unknown, context: InvocationContext): Promise<void> {
  const messageId = String(context.triggerMetadata?.messageId ?? 'unknown');
  const parsed = parseSmsMessage(body);
  if (!parsed.ok) throw new MalformedSmsMessageError(`sms-outbound message ${messageId} is malformed: ${parsed.detail}`);
  const relay = await getRelay();
  try {
    const result = await relay.sendSms(parsed.message);
    context.log(`SMS ${parsed.message.kind} for job ${parsed.message.jobId}: ${result}`);
  } catch (error) {
    if (!passes(error)) throw error;
    const deferred = await relay.deferSms(parsed.message, messageId, error);
    if (deferred.outcome === 'give-up') throw error;
    context.warn(`SMS ${parsed.message.kind} for job ${parsed.message.jobId} put off until ${deferred.until.toISOString()} as ${deferred.messageId}`);
  }
}

app.serviceBusQueue('sendSms', { connection: 'SERVICEBUS_CONNECTION', queueName: '%SMS_QUEUE%', handler: sendSmsHandler });
