import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import { getRelay } from '../../processRelay.js';
import { answer, json } from '../http/http.js';
import { messagesStatusSchema } from '../http/vonageMessagesSchemas.js';
import { readVonageMessagesWebhook } from '../http/vonageMessagesWebhook.js';
import { rateLimited } from '../http/clientRateLimit.js';

/** Vonage Messages API message statuses, recorded as delivery receipts. A status we cannot place still gets 200, or Vonage would resend it. */
export async function vonageMessagesStatusHandler(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  return answer(context, async () => {
    const relay = await getRelay();
    const receipt = await readVonageMessagesWebhook(request, relay.config, messagesStatusSchema, relay.clock.now());
    if (!receipt.ok) return receipt.response;
    const result = await relay.recordDeliveryReceipt(receipt.value);
    return json(200, { messageId: receipt.value.messageId, status: result.outcome });
  });
}

app.http('vonageMessagesStatus', {
  route: 'webhooks/vonage/messages/status',
  methods: ['POST'],
  authLevel: 'anonymous',
  handler: rateLimited(vonageMessagesStatusHandler),
});
