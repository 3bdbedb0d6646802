import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import { getRelay } from '../../processRelay.js';
import { readStripeEvent } from '../../adapters/stripe/stripeEvents.js';
import { answer, json, problem, readRawBody } from '../http/http.js';
import { rateLimited } from '../http/clientRateLimit.js';
import { paymentProblem } from './paymentProblems.js';

/**
 * Stripe events can be larger than our own callbacks (a checkout session carries the customer's
 * details); 256 KB is far above any event type we handle, and a bigger one is refused with 413.
 */
export const STRIPE_MAX_BODY_BYTES = 256 * 1024;

/**
 * POST /api/payments/stripe: Stripe's own webhook events, verified with Stripe's library. A bad
 * or stale signature gets 400 (what Stripe expects); anything signed that we cannot act on gets
 * 200 so Stripe stops retrying it, and is flagged for staff when it looks like a payment.
 */
export async function stripeWebhookHandler(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  return answer(context, async () => {
    const raw = await readRawBody(request, STRIPE_MAX_BODY_BYTES);
    if (!raw.ok) return raw.response;
    const relay = await getRelay();
    const secret = relay.config.STRIPE_WEBHOOK_SECRET;
    if (!secret) return paymentProblem('disabled', 'Stripe webhooks are not enabled on this instance (STRIPE_WEBHOOK_SECRET is not set)');
    const read = readStripeEvent(raw.value.bytes, request.headers.get('stripe-signature'), secret);
    if (!read.ok) return problem(400, read.detail);

    const { eventId, eventType } = read.event.source;
    const result = await relay.recordProviderEvent(read.event);
    switch (result.outcome) {
      case 'recorded':
      case 'duplicate':
        return json(result.outcome === 'recorded' ? 201 : 200, {
          eventId,
          eventType,
          status: result.outcome,
          paymentId: result.paymentId,
          jobId: result.jobId,
          closure: result.closure,
        });
      case 'refund-recorded':
        return json(200, { eventId, eventType, status: 'refund-recorded', jobId: result.jobId, chargeId: result.chargeId });
      case 'flagged':
      case 'ignored':
        return json(200, { eventId, eventType, status: result.outcome, reason: result.reason });
    }
  });
}

app.http('stripeWebhook', { route: 'payments/stripe', methods: ['POST'], authLevel: 'anonymous', handler: rateLimited(stripeWebhookHandler) });
