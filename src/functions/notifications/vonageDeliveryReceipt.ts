import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import { getRelay } from '../../processRelay.js';
import { deliveryReceiptSchema } from '../http/vonageSchemas.js';
import { answer, json } from '../http/http.js';
import { readVonageWebhook } from '../http/vonageWebhook.js';
import { rateLimited } from '../http/clientRateLimit.js';

/** Vonage SMS API delivery receipts. Anything but 2xx makes Vonage retry, so a receipt we cannot place still gets 200. */
export async function vonageDeliveryReceiptHandler(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  return answer(context, async () => {
    const relay = await getRelay();
    const receipt = await readVonageWebhook(request, relay.config, deliveryReceiptSchema, context, relay.clock.now());
    if (!receipt.ok) return receipt.response;
    const result = await relay.recordDeliveryReceipt(receipt.value);
    return json(200, { messageId: receipt.value.messageId, status: result.outcome });
  });
}

app.http('vonageDeliveryReceipt', {
  route: 'webhooks/vonage/status',
  methods: ['POST'],
  authLevel: 'anonymous',
  handler: rateLimited(vonageDeliveryReceiptHandler),
});
