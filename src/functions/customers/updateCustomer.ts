import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import { getRelay } from '../../processRelay.js';
import { answer, readJsonBody } from '../http/http.js';
import { customerChangeSchema, customerIdFrom, customerResponse } from './customerSchemas.js';

/** PATCH /api/customers/{customerId}: the fields given change, null clears an optional one. */
export async function updateCustomerHandler(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  return answer(context, async () => {
    const customerId = customerIdFrom(request);
    if (!customerId.ok) return customerId.response;
    const body = await readJsonBody(request, customerChangeSchema);
    if (!body.ok) return body.response;
    return customerResponse(await (await getRelay()).updateCustomer(customerId.value, body.value), customerId.value, 200);
  });
}

app.http('updateCustomer', { route: 'customers/{customerId}', methods: ['PATCH'], authLevel: 'function', handler: updateCustomerHandler });
