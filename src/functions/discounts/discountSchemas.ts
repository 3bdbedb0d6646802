import type { HttpRequest } from '@azure/functions';
import { z } from 'zod';
import { BRAND_ID_PATTERN, CODE_ALPHABET, CODE_LENGTH, MAX_CODES_PER_REQUEST, normalizeDiscountCode } from '../../domain/discounts/discountCode.js';
import type { CodeTerms, DiscountValue } from '../../domain/discounts/ports.js';
import { refuseWith, type HttpResult } from '../http/http.js';
import { okValue } from '../../domain/shared/result.js';

export function brandIdFrom(request: HttpRequest): HttpResult<string> {
  const raw = request.params.brandId ?? '';
  if (!BRAND_ID_PATTERN.test(raw)) {
    return refuseWith(400, `brandId must be 1 to 64 letters, digits or "-", not "${raw.slice(0, 70)}"`);
  }
  return okValue(raw);
}

/** A code's value: `{percent}` (a whole number 1 to 100) or `{amount, currency}` (a decimal string above 0, an ISO 4217 code). */
const valueSchema = z.union([
  z
    .object({ percent: z.number().int('percent must be a whole number').min(1, 'percent must be 1 to 100').max(100, 'percent must be 1 to 100') })
    .strict()
    .transform(({ percent }): DiscountValue => ({ kind: 'percent', percent })),
  z
    .object({
      amount: z
        .string()
        .regex(/^\d{1,9}(\.\d{1,3})?$/, 'amount must be a decimal string such as "5.00" (a string, never a JSON number)')
        .refine((amount) => /[1-9]/.test(amount), 'amount must be more than 0'),
      currency: z.string().regex(/^[A-Z]{3}$/, 'currency must be an ISO 4217 code such as GBP'),
    })
    .strict()
    .transform(({ amount, currency }): DiscountValue => ({ kind: 'amount', amount, currency })),
]);

/**
 * `{count, value?, expiresAt?}`: anything but a JSON number for count is malformed (400); a number
 * outside 1..100,000 or with a fraction is refused (422). `expiresAt` is an ISO 8601 instant with
 * its offset, kept in UTC.
 */
export const generationBodySchema = z.object({
  count: z.number(),
  value: valueSchema.optional(),
  expiresAt: z.iso
    .datetime({ offset: true, message: 'expiresAt must be an ISO 8601 date and time with its offset, e.g. 2027-01-31T23:59:59Z' })
    .transform((at) => new Date(at).toISOString())
    .optional(),
});

/** The batch's terms from a generation body (none when it names neither). */
export function termsOf(body: { value?: DiscountValue | undefined; expiresAt?: string | undefined }): CodeTerms | undefined {
  if (body.value === undefined && body.expiresAt === undefined) return undefined;
  return { ...(body.value ? { value: body.value } : {}), ...(body.expiresAt ? { expiresAt: body.expiresAt } : {}) };
}

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
