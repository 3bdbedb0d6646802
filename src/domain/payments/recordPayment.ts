import type { Closure, ClosureResult } from '../jobs/closure.js';
import type { JobDocument } from '../jobs/job.js';
import type { JobDocuments, JobTransactions } from '../jobs/ports.js';
import type { Clock } from '../shared/ports.js';
import type { Payment, Payments } from './ports.js';

export interface PaymentDeps {
  payments: Pick<Payments, 'record' | 'get' | 'forJob'>;
  documents: Pick<JobDocuments, 'get' | 'update'>;
  transactions: Pick<JobTransactions, 'append'>;
  /** A completed job that is paid starts closing. */
  closure: Closure;
  clock: Clock;
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

  // The document lists every payment the ledger holds for the job, not just this one: concurrent
  // payments then converge on one list (a writer whose payment a newer list already shows stops)
  // instead of each fighting the others' ETags to add its own.
  const recorded = await deps.payments.forJob(payment.jobId);
  const doc = await deps.documents.update(payment.jobId, (current) => withPayments(current, [payment, ...recorded], now));
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
  const closure = await deps.closure.request(payment.jobId, `payment ${payment.paymentId} received`);
  return { outcome, payment, closure: closure.outcome };
}

/** The document with every one of `payments` listed once, oldest first; the same object when none is new. */
export function withPayments(doc: JobDocument, payments: readonly Payment[], now: Date): JobDocument {
  const listed = new Set((doc.payments ?? []).map((p) => p.payment_id));
  const missing = payments.filter((p, index) => !listed.has(p.paymentId) && payments.findIndex((q) => q.paymentId === p.paymentId) === index);
  if (missing.length === 0) return doc;
  const all = [
    ...(doc.payments ?? []),
    ...missing.map((p) => ({ payment_id: p.paymentId, amount: p.amount, currency: p.currency, paid_at: p.paidAt.toISOString() })),
  ].sort((a, b) => a.paid_at.localeCompare(b.paid_at) || a.payment_id.localeCompare(b.payment_id));
  return { ...doc, payments: all, updated_at: now.toISOString() };
}
