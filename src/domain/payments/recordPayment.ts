import { requestClosure, type ClosureDeps, type ClosureResult } from '../jobs/closure.js';
import type { Payment, Payments } from './ports.js';

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
export async function recordPayment(deps: PaymentDeps, received: Payment): Promise<PaymentResult> {
  if (!(await deps.documents.get(received.jobId))) return { outcome: 'unknown-job' };
  const now = deps.clock.now();
  const outcome = await deps.payments.record(received, now);
  const payment = outcome === 'recorded' ? received : ((await deps.payments.get(received.paymentId)) ?? received);

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
