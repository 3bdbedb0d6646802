import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import { getRelay } from '../../processRelay.js';
import { answer, json, readJsonBody } from '../http/http.js';
import { brandIdFrom, claimBodySchema } from './discountSchemas.js';
import { discountProblem } from './discountProblems.js';

/** POST /api/brands/{brandId}/discount-codes/claim `{customerId}`: 201 `{code}`, 200 the same code again, 409 none left, 404 unknown brand or customer (nothing claimed). */
export async function claimDiscountCodeHandler(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  return answer(context, async () => {
    const brandId = brandIdFrom(request);
    if (!brandId.ok) return brandId.response;
    const body = await readJsonBody(request, claimBodySchema);
    if (!body.ok) return body.response;

    const relay = await getRelay();
    const result = await relay.claimDiscountCode(brandId.value, body.value.customerId);
    switch (result.status) {
      case 'claimed':
        return json(201, { code: result.code });
      case 'already-claimed':
        return json(200, { code: result.code });
      case 'none-left':
        return discountProblem('none-left', `brand ${brandId.value} has no discount codes left`);
      case 'unknown-brand':
        return discountProblem('unknown-brand', `brand ${brandId.value} has no discount codes`);
      case 'unknown-customer':
        return discountProblem('unknown-customer', `customer ${body.value.customerId} does not exist`);
    }
  });
}

app.http('claimDiscountCode', { route: 'brands/{brandId}/discount-codes/claim', methods: ['POST'], authLevel: 'function', handler: claimDiscountCodeHandler });
