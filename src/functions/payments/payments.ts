import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import { getRelay } from '../../processRelay.js';
import { verifyPaymentSignature } from '../../adapters/signatures/paymentSignature.js';
import { paymentCallbackSchema } from './paymentCallback.js';
import { answer, json, parseJson, readRawBody, requireJsonContent } from '../http/http.js';
import { rateLimited } from '../http/clientRateLimit.js';
import { unknownJob } from '../jobs/jobProblems.js';
import { paymentProblem } from './paymentProblems.js';

export async function paymentsHandler(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  return answer(context, async () => {
    const content = requireJsonContent(request);
    if (!content.ok) return content.response;
    const raw = await readRawBody(request);
    if (!raw.ok) return raw.response;
    const relay = await getRelay();
    const secret = relay.config.PAYMENT_WEBHOOK_SECRET;
    if (!secret) return paymentProblem('disabled', 'payment callbacks are not enabled on this instance');
    const signature = verifyPaymentSignature(request.headers.get('x-signature'), raw.value.bytes, secret, relay.clock.now().getTime() / 1000);
    if (!signature.ok) return paymentProblem('unsigned', signature.detail);
    const body = parseJson(raw.value.text, paymentCallbackSchema(relay.clock.now()));
    if (!body.ok) return body.response;

    const result = await relay.recordPayment(body.value);
    if (result.outcome === 'unknown-job') return paymentProblem('unknown-job', unknownJob(body.value.jobId));
    return json(result.outcome === 'recorded' ? 201 : 200, {
      paymentId: result.payment.paymentId,
      jobId: result.payment.jobId,
      status: result.outcome,
      closure: result.closure,
    });
  });
}

app.http('payments', { route: 'payments', methods: ['POST'], authLevel: 'anonymous', handler: rateLimited(paymentsHandler) });
