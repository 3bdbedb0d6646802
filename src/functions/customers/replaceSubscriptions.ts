import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import { getRelay } from '../../processRelay.js';
import { answer, readJsonBody } from '../http/http.js';
import { customerIdFrom, customerResponse, subscriptionsSchema } from './customerSchemas.js';

/** PUT /api/customers/{customerId}/subscriptions: the customer's channels become exactly these; [] unsubscribes from all. */
export async function replaceSubscriptionsHandler(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  return answer(context, async () => {
    const customerId = customerIdFrom(request);
    if (!customerId.ok) return customerId.response;
    const body = await readJsonBody(request, subscriptionsSchema);
    if (!body.ok) return body.response;
    return customerResponse(await (await getRelay()).replaceSubscriptions(customerId.value, body.value.subscriptions), customerId.value, 200);
  });
}

app.http('replaceCustomerSubscriptions', {
  route: 'customers/{customerId}/subscriptions',
  methods: ['PUT'],
  authLevel: 'function',
  handler: replaceSubscriptionsHandler,
});
