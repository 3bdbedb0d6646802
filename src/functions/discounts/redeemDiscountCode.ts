import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import { getRelay } from '../../processRelay.js';
import { answer, json } from '../http/http.js';
import { staffOnly } from '../http/staffAuth.js';
import { codeFrom } from './discountSchemas.js';
import { discountProblem } from './discountProblems.js';

/** A redemption answered, for the machines' route and the console's counter alike. */
async function redemptionAnswer(request: HttpRequest): Promise<HttpResponseInit> {
  const code = codeFrom(request);
  if (!code.ok) return code.response;
  const relay = await getRelay();
  const result = await relay.redeemDiscountCode(code.value);
  switch (result.status) {
    case 'redeemed':
      return json(200, { code: result.code, brandId: result.brandId, status: 'redeemed' });
    case 'already-redeemed':
      return discountProblem('already-redeemed', `discount code ${code.value} was already redeemed`);
    case 'expired':
      return discountProblem('expired', `discount code ${code.value} expired at ${result.expiresAt} and can no longer be redeemed`, { expiresAt: result.expiresAt });
    case 'not-claimed':
      return discountProblem('not-claimed', `discount code ${code.value} has not been handed to a customer, so it cannot be redeemed`);
    case 'unknown-code':
      return discountProblem('unknown-code', `discount code ${code.value} is unknown`);
  }
}

/** POST /api/discount-codes/{code}/redeem (any case): 200 the first time, 409 after, or for a code not yet claimed; 422 expired; 404 unknown. */
export async function redeemDiscountCodeHandler(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  return answer(context, () => redemptionAnswer(request));
}

/** POST /api/staff/discount-codes/{code}/redeem: the same, at the counter in the console. */
export const staffRedeemDiscountCodeHandler = staffOnly((request) => redemptionAnswer(request));

app.http('redeemDiscountCode', { route: 'discount-codes/{code}/redeem', methods: ['POST'], authLevel: 'function', handler: redeemDiscountCodeHandler });
app.http('staffRedeemDiscountCode', { route: 'staff/discount-codes/{code}/redeem', methods: ['POST'], authLevel: 'anonymous', handler: staffRedeemDiscountCodeHandler });
