import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import { getRelay } from '../../processRelay.js';
import { answer, readJsonBody } from '../http/http.js';
import { customerResponse, newCustomerSchema } from './customerSchemas.js';

/** POST /api/customers: 201 with the customer; 409 naming the customer that has the mobile. */
export async function createCustomerHandler(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  return answer(context, async () => {
    const body = await readJsonBody(request, newCustomerSchema);
    if (!body.ok) return body.response;
    return customerResponse(await (await getRelay()).createCustomer(body.value), undefined, 201);
  });
}

app.http('createCustomer', { route: 'customers', methods: ['POST'], authLevel: 'function', handler: createCustomerHandler });
