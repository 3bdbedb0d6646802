import { z } from 'zod';
import { requestClosure, type ClosureDeps, type ClosureResult } from './closure.js';
import { AMOUNT_PATTERN, thousandthsFromAmount } from './money.js';
import type { Payment, Payments } from './ports.js';

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
  .strict();

export type PaymentCallback = z.infer<typeof paymentCallbackSchema>;

export interface PaymentDeps extends ClosureDeps {
  payments: Payments;
}

export type PaymentResult =
  | { outcome: 'recorded' | 'duplicate'; payment: Payment; closure: ClosureResult['outcome'] }
  | { outcome: 'unknown-job' };

/**
 * Records a payment once per paymentId. The follow-ups (job_trans row, the payment on the Cosmos
 * document, closure of a completed job) run again for a repeat, from the payment as first stored,
 * so a crash between them is repaired by the provider's retry and a repeat changes nothing.
 */
export async function recordPayment(deps: PaymentDeps, callback: PaymentCallback): Promise<PaymentResult> {
  if (!(await deps.documents.get(callback.jobId))) return { outcome: 'unknown-job' };
  const now = deps.clock.now();
  const received: Payment = { ...callback, paidAt: new Date(callback.paidAt) };
  const outcome = await deps.payments.record(received, now);
  const payment = outcome === 'recorded' ? received : ((await deps.payments.get(callback.paymentId)) ?? received);

  const doc = await deps.documents.update(payment.jobId, (current) =>
    current.payments?.some((p) => p.payment_id === payment.paymentId)
      ? current
      : {
          ...current,
          payments: [
            ...(current.payments ?? []),
            { payment_id: payment.paymentId, amount: payment.amount, currency: payment.currency, paid_at: payment.paidAt.toISOString() },
          ],
          updated_at: now.toISOString(),
        },
  );
  await deps.transactions.append([
    {
      jobId: payment.jobId,
      status: doc?.job_status ?? 'UNKNOWN',
      note: `Payment of ${payment.amount} ${payment.currency} received (payment ${payment.paymentId}, paid ${payment.paidAt.toISOString()})`,
      event: 'PAYMENT',
      eventKey: `payment-${payment.paymentId}`,
      at: now,
    },
  ]);
  const closure = await requestClosure(deps, payment.jobId, `payment ${payment.paymentId} received`);
  return { outcome, payment, closure: closure.outcome };
}
