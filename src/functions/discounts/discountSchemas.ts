import type { HttpRequest } from '@azure/functions';
import { z } from 'zod';
import { BRAND_ID_PATTERN, CODE_ALPHABET, CODE_LENGTH, MAX_CODES_PER_REQUEST, normalizeDiscountCode } from '../../domain/discounts/discountCode.js';
import { refuseWith, type HttpResult } from '../http/http.js';
import { okValue } from '../../domain/shared/result.js';

export function brandIdFrom(request: HttpRequest): HttpResult<string> {
  const raw = request.params.brandId ?? '';
  if (!BRAND_ID_PATTERN.test(raw)) {
    return refuseWith(400, `brandId must be 1 to 64 letters, digits or "-", not "${raw.slice(0, 70)}"`);
  }
  return okValue(raw);
}

/** `{count}`: anything but a JSON number is malformed (400); a number outside 1..100,000 or with a fraction is refused (422). */
export const generationBodySchema = z.object({ count: z.number() });

export function checkCount(count: number): HttpResult<number> {
  if (!Number.isInteger(count) || count < 1 || count > MAX_CODES_PER_REQUEST) {
    return refuseWith(422, `count must be a whole number from 1 to ${MAX_CODES_PER_REQUEST}, not ${count}`);
  }
  return okValue(count);
}

const IDEMPOTENCY_KEY = /^[\x21-\x7E]{1,200}$/;

/** The optional Idempotency-Key header: 1 to 200 visible ASCII characters. */
export function idempotencyKeyFrom(request: HttpRequest): HttpResult<string | undefined> {
  const raw = request.headers.get('idempotency-key');
  if (raw === null) return okValue(undefined);
  if (!IDEMPOTENCY_KEY.test(raw)) return refuseWith(400, 'Idempotency-Key must be 1 to 200 visible ASCII characters');
  return okValue(raw);
}

export const claimBodySchema = z.object({ customerId: z.number().int().positive().max(Number.MAX_SAFE_INTEGER) });

/** The code in the route, upper-cased: redemption ignores case. */
export function codeFrom(request: HttpRequest): HttpResult<string> {
  const raw = request.params.code ?? '';
  const code = normalizeDiscountCode(raw);
  if (!code) {
    return refuseWith(400, `a discount code is ${CODE_LENGTH} characters from ${CODE_ALPHABET}, not "${raw.slice(0, 40)}"`);
  }
  return okValue(code);
}
