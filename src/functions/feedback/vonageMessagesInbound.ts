import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import { getRelay } from '../../processRelay.js';
import { answer, json } from '../http/http.js';
import { messagesInboundSchema } from '../http/vonageMessagesSchemas.js';
import { readVonageMessagesWebhook } from '../http/vonageMessagesWebhook.js';
import { rateLimited } from '../http/clientRateLimit.js';

/**
 * Customers' messages through the Messages API (SMS or WhatsApp), read like SMS API ones: feedback,
 * STOP, or kept in the inbox. A message without text (an image, a location), or on another
 * channel, is acknowledged and stored nowhere.
 */
export async function vonageMessagesInboundHandler(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  return answer(context, async () => {
    const relay = await getRelay();
    const inbound = await readVonageMessagesWebhook(request, relay.config, messagesInboundSchema, relay.clock.now());
    if (!inbound.ok) return inbound.response;
    if (inbound.value.kind === 'other') {
      const { channel, messageType, messageId } = inbound.value;
      // Fields the provider (or whoever posts) chose go into JSON, where a line break cannot start a forged log line.
      context.log(JSON.stringify({ message: 'inbound message without text: acknowledged, stored nowhere', channel, messageType, messageId }));
      return json(200, { messageId: inbound.value.messageId, status: 'ignored' });
    }
    const result = await relay.recordInboundSms(inbound.value.sms);
    return json(200, { messageId: inbound.value.sms.messageId, status: result.outcome });
  });
}

app.http('vonageMessagesInbound', {
  route: 'webhooks/vonage/messages/inbound',
  methods: ['POST'],
  authLevel: 'anonymous',
  handler: rateLimited(vonageMessagesInboundHandler),
});
