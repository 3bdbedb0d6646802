import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import { getRelay } from '../../processRelay.js';
import { answer, json, readJsonBody } from '../http/http.js';
import { staffOnly } from '../http/staffAuth.js';
import { brandIdFrom, checkCount, generationBodySchema, idempotencyKeyFrom, termsOf } from './discountSchemas.js';
import { discountProblem } from './discountProblems.js';

/** A generation request answered, for the machines' route and the console's alike. */
async function generationAnswer(request: HttpRequest): Promise<HttpResponseInit> {
  const brandId = brandIdFrom(request);
  if (!brandId.ok) return brandId.response;
  const key = idempotencyKeyFrom(request);
  if (!key.ok) return key.response;
  const body = await readJsonBody(request, generationBodySchema);
  if (!body.ok) return body.response;
  const count = checkCount(body.value.count);
  if (!count.ok) return count.response;
  const terms = termsOf(body.value);

  const relay = await getRelay();
  const result = await relay.generateDiscountCodes({ brandId: brandId.value, count: count.value, ...(key.value === undefined ? {} : { idempotencyKey: key.value }), ...(terms ? { terms } : {}) });
  if (result.status === 'invalid-terms') return discountProblem('invalid-terms', result.detail);
  if (result.status === 'key-reused') {
    return discountProblem('key-reused', `Idempotency-Key was used for a request of ${result.requested} codes or other terms; use a new key for ${count.value}`);
  }
  const { generated, available } = result.counts;
  if (result.status === 'in-progress') {
    return json(202, { brandId: brandId.value, generated, available, idempotencyKey: result.batchKey, detail: 'not finished yet: repeat the request with this Idempotency-Key to continue' });
  }
  return json(201, { brandId: brandId.value, generated, available });
}

/**
 * POST /api/brands/{brandId}/discount-codes `{count, value?, expiresAt?}` with an optional
 * Idempotency-Key header: 201 `{brandId, generated, available}` once all are written; 202 with
 * the key when the request ran out of time (repeat it with that key to continue); a repeat of a
 * finished request is 201 again.
 */
export async function generateDiscountCodesHandler(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  return answer(context, () => generationAnswer(request));
}

/** POST /api/staff/brands/{brandId}/discount-codes: the same, from the console. */
export const staffGenerateDiscountCodesHandler = staffOnly((request) => generationAnswer(request));

app.http('generateDiscountCodes', { route: 'brands/{brandId}/discount-codes', methods: ['POST'], authLevel: 'function', handler: generateDiscountCodesHandler });
app.http('staffGenerateDiscountCodes', { route: 'staff/brands/{brandId}/discount-codes', methods: ['POST'], authLevel: 'anonymous', handler: staffGenerateDiscountCodesHandler });
