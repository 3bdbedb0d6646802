import { MysqlPaymentFlags } from '../adapters/mysql/paymentFlags.js';
import { MysqlPayments } from '../adapters/mysql/payments.js';
import type { Closure } from '../domain/jobs/closure.js';
import type { JobDocuments, JobTransactions } from '../domain/jobs/ports.js';
import type { Payment } from '../domain/payments/ports.js';
import { recordPayment, type PaymentDeps } from '../domain/payments/recordPayment.js';
import { noteRefund, recordProviderEvent, type ProviderEvent, type ProviderEventDeps } from '../domain/payments/recordProviderEvent.js';
import type { Infrastructure } from '../infrastructure.js';

/** Payments: the provider's callback and its verified webhook events; a payment may close its job (`closure`, the jobs area's). */
export function paymentsModule(closure: Closure, records: { documents: JobDocuments; transactions: JobTransactions }, infra: Pick<Infrastructure, 'ledgerPool' | 'clock' | 'logger'>) {
  const { documents, transactions } = records;
  const { clock } = infra;
  const payments = new MysqlPayments(infra.ledgerPool);
  const paying: PaymentDeps = { payments, documents, transactions, closure, clock };
  const events: ProviderEventDeps = {
    payments,
    flags: new MysqlPaymentFlags(infra.ledgerPool),
    recordPayment: (payment) => recordPayment(paying, payment),
    noteRefund: (jobId, payment, event) => noteRefund({ documents, transactions, clock }, jobId, payment, event),
    clock,
    logger: infra.logger('stripeWebhook'),
  };
  return {
    recordPayment: (payment: Payment) => recordPayment(paying, payment),
    recordProviderEvent: (event: ProviderEvent) => recordProviderEvent(events, event),
  };
}
