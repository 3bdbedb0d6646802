import { app } from '@azure/functions';
import { getRelay } from '../../processRelay.js';
import { json } from '../http/http.js';
import { staffOnly } from '../http/staffAuth.js';
import { codeFrom } from './discountSchemas.js';
import { discountProblem } from './discountProblems.js';

/**
 * GET /api/staff/discount-codes/{code} (any case): `{code, brandId, value, expiresAt, state,
 * customer: {customerId, nameMasked} | null, claimedAt, redeemedAt}`; state is available,
 * claimed, redeemed or expired; value and expiresAt are null for codes generated without them.
 */
export const lookUpDiscountCodeHandler = staffOnly(async (request) => {
  const code = codeFrom(request);
  if (!code.ok) return code.response;
  const found = await (await getRelay()).lookUpDiscountCode(code.value);
  if (!found) return discountProblem('unknown-code', `discount code ${code.value} is unknown`);
  const { terms, ...view } = found;
  return json(200, { ...view, value: terms.value ?? null, expiresAt: terms.expiresAt ?? null });
});

app.http('lookUpDiscountCode', { route: 'staff/discount-codes/{code}', methods: ['GET'], authLevel: 'anonymous', handler: lookUpDiscountCodeHandler });
