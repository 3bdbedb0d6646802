import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import { getRelay } from '../../processRelay.js';
import { answer, json, problem } from '../http/http.js';
import { customerBody, customerIdFrom } from './customerSchemas.js';

/** GET /api/customers/{customerId}: the customer, their contact hours, subscriptions and job ids. */
export async function getCustomerHandler(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  return answer(context, async () => {
    const customerId = customerIdFrom(request);
    if (!customerId.ok) return customerId.response;
    const customer = await (await getRelay()).getCustomer(customerId.value);
    return customer ? json(200, customerBody(customer)) : problem(404, `customer ${customerId.value} is not known to Repair Relay`);
  });
}

app.http('getCustomer', { route: 'customers/{customerId}', methods: ['GET'], authLevel: 'function', handler: getCustomerHandler });
