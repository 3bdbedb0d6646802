import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import { getRelay } from '../../processRelay.js';
import { answer, json } from '../http/http.js';
import { customerBody, customerIdFrom } from './customerSchemas.js';
import { customerProblem, unknownCustomer } from './customerProblems.js';

/** GET /api/customers/{customerId}: the customer, their contact hours, subscriptions and job ids. */
export async function getCustomerHandler(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  return answer(context, async () => {
    const customerId = customerIdFrom(request);
    if (!customerId.ok) return customerId.response;
    const customer = await (await getRelay()).getCustomer(customerId.value);
    return customer ? json(200, customerBody(customer)) : customerProblem('not-found', unknownCustomer(customerId.value));
  });
}

app.http('getCustomer', { route: 'customers/{customerId}', methods: ['GET'], authLevel: 'function', handler: getCustomerHandler });
