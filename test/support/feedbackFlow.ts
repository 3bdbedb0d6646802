import { InvocationContext } from '@azure/functions';
import { registrations } from '../../dev/functionsCore.js';
import { callHttpFunction } from './http.js';
import type { RealStack } from './realStack.js';

/** Runs the registered queue-trigger handler on every due message, as the Functions host would. */
export async function deliverDue(stack: RealStack): Promise<void> {
  const handler = registrations.get('sendNotification')!.handler;
  for (const message of stack.queue.drain(new Date())) {
    await handler(message.body, new InvocationContext({ functionName: 'sendNotification', triggerMetadata: { messageId: message.messageId } }));
  }
}

/** A customer's SMS through the registered inbound webhook (unsigned: the stack sets no signature secret). */
export function inboundSms(msisdn: string, messageId: string, text: string) {
  return callHttpFunction('vonageInboundSms', 'POST', {
    body: new URLSearchParams({ msisdn, to: '447700900000', messageId, text, type: 'text' }).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
}
