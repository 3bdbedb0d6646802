import { app, type InvocationContext } from '@azure/functions';
import { getRelay } from '../../compositionRoot.js';
import { parseSmsMessage } from '../../domain/notifications/smsMessage.js';

/** Thrown for a message that can never be processed: the host dead-letters it once deliveries run out. */
export class MalformedSmsMessageError extends Error {
  override readonly name = 'MalformedSmsMessageError';
}

export async function sendSmsHandler(body: unknown, context: InvocationContext): Promise<void> {
  const parsed = parseSmsMessage(body);
  if (!parsed.ok) {
    const messageId = String(context.triggerMetadata?.messageId ?? 'unknown');
    throw new MalformedSmsMessageError(`sms-outbound message ${messageId} is malformed: ${parsed.detail}`);
  }
  const result = await (await getRelay()).sendSms(parsed.message);
  context.log(`SMS ${parsed.message.kind} for job ${parsed.message.jobId}: ${result}`);
}

app.serviceBusQueue('sendSms', { connection: 'SERVICEBUS_CONNECTION', queueName: '%SMS_QUEUE%', handler: sendSmsHandler });
