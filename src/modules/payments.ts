import { MysqlPaymentFlags } from '../adapters/mysql/paymentFlags.js';
import type { Payment } from '../domain/payments/ports.js';
import { recordPayment } from '../domain/payments/recordPayment.js';
import { recordProviderEvent, type ProviderEvent } from '../domain/payments/recordProviderEvent.js';
import type { Infrastructure } from '../infrastructure.js';
import type { JobStores } from './jobStores.js';

/** Payments: the provider's callback and its verified webhook events; a payment may close its job. */
export function paymentsModule(stores: JobStores, infra: Pick<Infrastructure, 'ledgerPool' | 'logger'>) {
  const flags = new MysqlPaymentFlags(infra.ledgerPool);
  return {
    recordPayment: (payment: Payment) => recordPayment({ ...stores, logger: infra.logger('payments') }, payment),
    recordProviderEvent: (event: ProviderEvent) => recordProviderEvent({ ...stores, logger: infra.logger('stripeWebhook'), flags }, event),
  };
}
