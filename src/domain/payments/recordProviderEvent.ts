import { thousandthsFromAmount } from '../shared/money.js';
import type { ClosureResult } from '../jobs/closure.js';
import type { JobDocuments, JobTransactions } from '../jobs/ports.js';
import type { Clock, Logger } from '../shared/ports.js';
import type { Payment, PaymentFlag, PaymentFlags, Payments } from './ports.js';
import type { PaymentResult } from './recordPayment.js';

/** Which provider event this is: its id keys flags, its object id names what it is about. */
export interface ProviderEventSource {
  provider: string;
  eventId: string;
  eventType: string;
  objectId: string;
}

/**
 * A verified event from a payment provider, already read from the provider's wire format by its
 * adapter. `jobReference` is the job id exactly as the business's checkout sent it (null when
 * missing); amounts are 3-decimal strings.
 */
export type ProviderEvent =
  | {
      kind: 'payment';
      source: ProviderEventSource;
      jobReference: string | null;
      /** Deterministic per provider payment, so every event about one payment records it once. */
      paymentId: string;
      amount: string;
      currency: string;
      paidAt: Date;
    }
  | {
      kind: 'refund';
      source: ProviderEventSource;
      jobReference: string | null;
      chargeId: string;
      /** The ledger id of the refunded payment, when the provider says which payment it was. */
      paymentId: string | null;
      /** The total refunded on the charge so far (the provider reports it cumulatively). */
      amountRefunded: string;
      currency: string;
      fullyRefunded: boolean;
      refundedAt: Date;
    }
  | { kind: 'ignored'; source: ProviderEventSource; reason: string };

export type RefundEvent = Extract<ProviderEvent, { kind: 'refund' }>;

export interface ProviderEventDeps {
  payments: Pick<Payments, 'get'>;
  flags: PaymentFlags;
  /** The generic callback's use case: every payment, whichever way it came, is recorded by it. */
  recordPayment: (payment: Payment) => Promise<PaymentResult>;
  /** Notes a refund on its job; false when the job has no document. */
  noteRefund: (jobId: number, payment: Payment | undefined, event: RefundEvent) => Promise<boolean>;
  clock: Clock;
  logger: Logger;
}

export interface RefundNoteDeps {
  documents: Pick<JobDocuments, 'update'>;
  transactions: Pick<JobTransactions, 'append'>;
  clock: Clock;
}

export type ProviderEventResult =
  | { outcome: 'ignored'; reason: string }
  | { outcome: 'recorded' | 'duplicate'; paymentId: string; jobId: number; closure: ClosureResult['outcome'] }
  | { outcome: 'refund-recorded'; jobId: number; chargeId: string }
  | { outcome: 'flagged'; reason: string };

const MAX_JOB_ID = 2_147_483_647;

/** `metadata.jobId` as a job id: digits only (leading zeros allowed, as in the seed's "00123"). */
export function jobIdFromReference(reference: string | null): number | undefined {
  if (reference === null || !/^\d{1,10}$/.test(reference)) return undefined;
  const jobId = Number(reference);
  return jobId >= 1 && jobId <= MAX_JOB_ID ? jobId : undefined;
}

function unplacedReason(reference: string | null): string {
  return reference === null ? 'metadata.jobId is missing' : `metadata.jobId "${reference.slice(0, 64)}" is not a job id`;
}

/**
 * Records a verified provider event. Payments go through the same use case as the generic
 * callback (recordPayment), keyed by the provider payment's deterministic paymentId, so repeated
 * deliveries and several events about one payment record it once. Refunds are noted on the job
 * (document and job_trans) and never change its status. An event that cannot be placed on a job
 * is flagged once for staff instead of being refused, because the provider would retry it for days.
 */
export async function recordProviderEvent(deps: ProviderEventDeps, event: ProviderEvent): Promise<ProviderEventResult> {
  if (event.kind === 'ignored') {
    deps.logger.info('payment provider event ignored', { ...event.source, reason: event.reason });
    return { outcome: 'ignored', reason: event.reason };
  }
  if (event.kind === 'refund') return recordRefund(deps, event);

  // A payment already recorded (say by the checkout session) keeps its job, even when this event
  // about it (say the payment intent's) carries no job id.
  const existing = await deps.payments.get(event.paymentId);
  const jobId = existing?.jobId ?? jobIdFromReference(event.jobReference);
  if (jobId === undefined) return flag(deps, event, unplacedReason(event.jobReference));
  const result = await deps.recordPayment(
    existing ?? { paymentId: event.paymentId, jobId, amount: event.amount, currency: event.currency, paidAt: event.paidAt },
  );
  if (result.outcome === 'unknown-job') return flag(deps, event, `job ${jobId} is not known to Repair Relay`);
  return { outcome: result.outcome, paymentId: result.payment.paymentId, jobId: result.payment.jobId, closure: result.closure };
}

async function recordRefund(deps: ProviderEventDeps, event: RefundEvent): Promise<ProviderEventResult> {
  const payment = event.paymentId ? await deps.payments.get(event.paymentId) : undefined;
  const jobId = payment?.jobId ?? jobIdFromReference(event.jobReference);
  if (jobId === undefined) {
    return flag(deps, event, `refund of a payment Repair Relay has not recorded, and ${unplacedReason(event.jobReference)}`);
  }
  if (!(await deps.noteRefund(jobId, payment, event))) return flag(deps, event, `job ${jobId} is not known to Repair Relay`);
  return { outcome: 'refund-recorded', jobId, chargeId: event.chargeId };
}

/** A refund on the job's document and in its history; it never changes the job's status. False when the job has no document. */
export async function noteRefund(deps: RefundNoteDeps, jobId: number, payment: Payment | undefined, event: RefundEvent): Promise<boolean> {
  const now = deps.clock.now();
  const refunded = thousandthsFromAmount(event.amountRefunded);
  const doc = await deps.documents.update(jobId, (current) => {
    const refunds = current.refunds ?? [];
    const known = refunds.find((r) => r.charge_id === event.chargeId);
    // Totals only grow; an older or repeated event leaves the document alone.
    if (known && thousandthsFromAmount(known.amount_refunded) >= refunded) return current;
    const entry = {
      charge_id: event.chargeId,
      payment_id: payment?.paymentId ?? null,
      amount_refunded: event.amountRefunded,
      currency: event.currency,
      fully_refunded: event.fullyRefunded,
      refunded_at: event.refundedAt.toISOString(),
    };
    return { ...current, refunds: [...refunds.filter((r) => r.charge_id !== event.chargeId), entry], updated_at: now.toISOString() };
  });
  if (!doc) return false;
  await deps.transactions.append([
    {
      jobId,
      status: doc.job_status,
      note:
        `Refund: ${event.amountRefunded} ${event.currency} refunded in total on charge ${event.chargeId}` +
        `${payment ? ` (payment ${payment.paymentId})` : ''}${event.fullyRefunded ? ', fully refunded' : ''}; the job's status is unchanged`,
      event: 'REFUND',
      eventKey: `refund-${event.chargeId}-${event.amountRefunded}`,
      at: now,
    },
  ]);
  return true;
}

async function flag(deps: ProviderEventDeps, event: Exclude<ProviderEvent, { kind: 'ignored' }>, reason: string): Promise<ProviderEventResult> {
  const flagged: PaymentFlag = {
    kind: event.kind,
    ...event.source,
    reason,
    jobReference: event.jobReference === null ? null : event.jobReference.slice(0, 64),
    paymentId: event.paymentId,
    amount: event.kind === 'payment' ? event.amount : event.amountRefunded,
    currency: event.currency,
  };
  const stored = await deps.flags.flag(flagged, deps.clock.now());
  if (stored === 'flagged') deps.logger.warn('payment provider event flagged for staff', { ...event.source, reason });
  return { outcome: 'flagged', reason };
}
