import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import { getRelay } from '../../processRelay.js';
import { answer, json } from '../http/http.js';
import { brandIdFrom } from './discountSchemas.js';
import { discountProblem } from './discountProblems.js';

/** GET /api/brands/{brandId}/discount-codes: `{brandId, generated, claimed, redeemed, available}`; 404 for a brand without codes. */
export async function getDiscountCodesHandler(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  return answer(context, async () => {
    const brandId = brandIdFrom(request);
    if (!brandId.ok) return brandId.response;
    const relay = await getRelay();
    const counts = await relay.discountCodeCounts(brandId.value);
    if (!counts) return discountProblem('unknown-brand', `brand ${brandId.value} has no discount codes`);
    return json(200, counts);
  });
}

app.http('getDiscountCodes', { route: 'brands/{brandId}/discount-codes', methods: ['GET'], authLevel: 'function', handler: getDiscountCodesHandler });
