import { z } from 'zod';
import type { Payment } from '../../domain/payments/ports.js';
import { AMOUNT_PATTERN, thousandthsFromAmount } from '../../domain/shared/money.js';

/**
 * The earliest `paidAt` taken. Anything before the business used this system, or more than a day
 * ahead of our clock (skew allowance), is a provider bug or a forged body, and would not even fit
 * a MySQL DATETIME at the extremes (years 0000 and 9999 plus an offset).
 */
export const EARLIEST_PAYMENT = new Date('2000-01-01T00:00:00Z');
const LATEST_AHEAD_MS = 24 * 60 * 60_000;

export function isPlausiblePaymentTime(paidAt: Date, now: Date): boolean {
  const time = paidAt.getTime();
  return Number.isFinite(time) && time >= EARLIEST_PAYMENT.getTime() && time <= now.getTime() + LATEST_AHEAD_MS;
}

/** The payment provider's callback body (DESIGN.md), its `paidAt` judged against the domain's `now`. */
export const paymentCallbackSchema = (now: Date) =>
  z
    .object({
      paymentId: z.uuid(),
      jobId: z.number().int().positive(),
      amount: z
        .string()
        .regex(AMOUNT_PATTERN, 'must be a decimal string with exactly 3 decimals, e.g. "45.500"')
        .refine((amount) => !AMOUNT_PATTERN.test(amount) || thousandthsFromAmount(amount) > 0n, 'must be more than zero'),
      currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as GBP'),
      paidAt: z.iso
        .datetime({ offset: true })
        .refine((paidAt) => isPlausiblePaymentTime(new Date(paidAt), now), {
          message: `must be between ${EARLIEST_PAYMENT.toISOString().slice(0, 10)} and one day from now`,
        }),
    })
    .strict()
    .transform((body): Payment => ({ ...body, paidAt: new Date(body.paidAt) }));
