import { z } from 'zod';
import type { Payment } from '../../domain/payments/ports.js';
import { AMOUNT_PATTERN, thousandthsFromAmount } from '../../domain/shared/money.js';

/** The payment provider's callback body (DESIGN.md). */
export const paymentCallbackSchema = z
  .object({
    paymentId: z.uuid(),
    jobId: z.number().int().positive(),
    amount: z
      .string()
      .regex(AMOUNT_PATTERN, 'must be a decimal string with exactly 3 decimals, e.g. "45.500"')
      .refine((amount) => !AMOUNT_PATTERN.test(amount) || thousandthsFromAmount(amount) > 0n, 'must be more than zero'),
    currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as GBP'),
    paidAt: z.iso.datetime({ offset: true }),
  })
  .strict()
  .transform((body): Payment => ({ ...body, paidAt: new Date(body.paidAt) }));
