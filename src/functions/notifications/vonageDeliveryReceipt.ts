import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import { getRelay } from '../../processRelay.js';
import { deliveryReceiptSchema } from '../http/vonageSchemas.js';
import { answer, json } from '../http/http.js';
import { readVonageWebhook } from '../http/vonageWebhook.js';
import { rateLimited } from '../http/clientRateLimit.js';

/** Vonage SMS API delivery receipts. Anything but 2xx makes Vonage retry, so a receipt we cannot place (or another account's) still gets 200. */
export async function vonageDeliveryReceiptHandler(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  return answer(context, async () => {
    const relay = await getRelay();
    const receipt = await readVonageWebhook(request, relay.config, deliveryReceiptSchema, context, relay.clock.now());
    if (!receipt.ok) return receipt.response;
    const { apiKey, ...deliveryReceipt } = receipt.value;
    // A staging account pointed here would otherwise match our client-refs (job-1-received, ...): not ours to record.
    if (apiKey && relay.config.VONAGE_API_KEY && apiKey !== relay.config.VONAGE_API_KEY) {
      context.warn(`vonageDeliveryReceipt: receipt ${deliveryReceipt.messageId} is for another Vonage account; ignored`);
      return json(200, { messageId: deliveryReceipt.messageId, status: 'other-account' });
    }
    const result = await relay.recordDeliveryReceipt(deliveryReceipt);
    return json(200, { messageId: deliveryReceipt.messageId, status: result.outcome });
  });
}

app.http('vonageDeliveryReceipt', {
  route: 'webhooks/vonage/status',
  methods: ['POST'],
  authLevel: 'anonymous',
  handler: rateLimited(vonageDeliveryReceiptHandler),
});
