import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import { getRelay } from '../../processRelay.js';
import { inboundSmsSchema } from '../http/vonageSchemas.js';
import { answer, json } from '../http/http.js';
import { readVonageWebhook } from '../http/vonageWebhook.js';
import { rateLimited } from '../http/clientRateLimit.js';

/**
 * Customers' SMS: replies to the feedback request, STOP, and anything else, which is kept in the
 * inbox (and answered outside business hours). A message we cannot place still gets 200, or
 * Vonage would resend it for a day.
 */
export async function vonageInboundSmsHandler(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  return answer(context, async () => {
    const relay = await getRelay();
    const sms = await readVonageWebhook(request, relay.config, inboundSmsSchema, context, relay.clock.now());
    if (!sms.ok) return sms.response;
    const result = await relay.recordInboundSms(sms.value);
    return json(200, { messageId: sms.value.messageId, status: result.outcome });
  });
}

app.http('vonageInboundSms', {
  route: 'webhooks/vonage/inbound',
  methods: ['POST'],
  authLevel: 'anonymous',
  handler: rateLimited(vonageInboundSmsHandler),
});
