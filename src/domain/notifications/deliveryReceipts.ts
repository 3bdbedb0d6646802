import type { Clock, Logger } from '../shared/ports.js';
import { ownStatsMessage } from '../stats/messageStats.js';
import type { MessageStats } from '../stats/ports.js';
import { notificationLabel } from './labels.js';
import { deliveryStatusWord, sameDeliveryOutcome, type DeliveryKind, type DeliveryOutcome, type DeliveryStatusWord } from './deliveryOutcome.js';
import { isJobNotification, type Delivery, type DeliveryRecords, type NotificationEntryWithDelivery, type ReceiptListener } from './ports.js';

/*
 * Delivery receipts (DLRs) for the messages we sent. Providers retry anything that is not 2xx, so every
 * step here is idempotent and a receipt we cannot place is acknowledged and dropped, not refused.
 */

/** One delivery receipt, as the edge parsed it from the provider's webhook. */
export interface DeliveryReceipt {
  /** The provider's message id. */
  messageId: string;
  outcome: DeliveryOutcome;
  errorCode: string | null;
  /** Our idempotency key, echoed back by the provider. */
  clientRef: string | null;
  /** The provider's price, already rounded to 3 decimals. */
  price: string | null;
  reportedAt: Date | null;
}

export interface DeliveryReceiptDeps {
  notificationLog: DeliveryRecords;
  /** A price reported only by the receipt (the Messages API's `usage`) becomes the message's cost in the statistics. */
  stats: Pick<MessageStats, 'reprice'>;
  /** Told of each receipt of a job's notification: the jobs area shows it on the job. */
  onReceipt: ReceiptListener;
  clock: Clock;
  logger: Logger;
}

export type DeliveryReceiptResult =
  /** `jobId` null: a message of no job (a broadcast, an auto-reply), whose receipt only the log keeps. */
  | { outcome: 'recorded'; jobId: number | null; messageKey: string; deliveryStatus: DeliveryKind | null }
  | { outcome: 'unknown-message' };

/**
 * Intermediate outcomes (with the network, held for the phone) never replace a final one that
 * arrived first, so receipts that cross on the network cannot move a message back; among equals
 * the latest wins. A network that cannot say ranks between.
 */
function deliveryRank(outcome: DeliveryOutcome): number {
  if (outcome.kind !== 'pending') return 3;
  return outcome.stage === 'unconfirmed' ? 2 : 1;
}

/** Keyed by the stored word: the job_trans notes read as they always have. */
const RECEIPT_WORDING: Record<DeliveryStatusWord, string> = {
  delivered: 'delivered',
  accepted: 'accepted by the mobile network, not delivered yet',
  buffered: 'held by the mobile network until the phone can be reached',
  expired: 'expired before it could be delivered',
  failed: 'failed',
  rejected: 'rejected by the mobile network',
  unknown: 'delivery status unknown',
};

export function deliveryReceiptEventKey(receipt: Pick<DeliveryReceipt, 'messageId' | 'outcome'>): string {
  return `dlr-${receipt.messageId}-${deliveryStatusWord(receipt.outcome)}`;
}

/** The job_trans note of a receipt: what happened to the SMS, never the number it went to. */
export function describeDeliveryReceipt(entry: Pick<NotificationEntryWithDelivery, 'kind' | 'channel'>, receipt: DeliveryReceipt, recovered: boolean): string {
  const error = receipt.errorCode && receipt.errorCode !== '0' ? ` (error ${receipt.errorCode})` : '';
  const recovery = recovered ? `; its interrupted send is now known to have reached Vonage (message ${receipt.messageId})` : '';
  return `${notificationLabel(entry)} ${RECEIPT_WORDING[deliveryStatusWord(receipt.outcome)]}${error}${recovery}`;
}

/**
 * Records one delivery receipt: the log entry (found by the provider's message id, else by our
 * client-ref) gets the delivery outcome, an `unknown` send is settled as `sent`, and the receipt is reported to
 * the job's listener (its document's summary and one job_trans row per distinct receipt). Every step is
 * idempotent, so the provider's retry after a crash finishes the job and a repeat changes nothing.
 * (The notes and detail written keep the words they have always been stored with.)
 */
export async function recordDeliveryReceipt(deps: DeliveryReceiptDeps, receipt: DeliveryReceipt): Promise<DeliveryReceiptResult> {
  const found =
    (await deps.notificationLog.findByProviderMessageId(receipt.messageId)) ??
    (receipt.clientRef ? await deps.notificationLog.getWithDelivery(receipt.clientRef) : undefined);
  if (!found) {
    deps.logger.info('delivery receipt for a message Repair Relay did not send; acknowledged, nothing written', {
      messageId: receipt.messageId,
      status: deliveryStatusWord(receipt.outcome),
    });
    return { outcome: 'unknown-message' };
  }

  const now = deps.clock.now();
  const key = found.messageKey;
  const recovered =
    // A receipt proves the provider accepted the message: it settles an interrupted send, and one whose
    // sender has not recorded the answer yet (that sender's own record then finds it settled).
    (found.state === 'unknown' || found.state === 'sending') &&
    (await deps.notificationLog.record(key, found.state, {
      state: 'sent',
      providerMessageId: found.providerMessageId ?? receipt.messageId,
      ...(receipt.price ? { price: receipt.price } : {}),
      detail: 'send was interrupted; a delivery receipt shows Vonage accepted it',
    }, now));
  await storeDelivery(deps, found, receipt, now);

  const entry = (await deps.notificationLog.getWithDelivery(key)) ?? found;
  await countReceiptPrice(deps, entry, receipt, now);
  const deliveryStatus = entry.delivery?.outcome.kind ?? null;
  if (!isJobNotification(entry)) return { outcome: 'recorded', jobId: null, messageKey: key, deliveryStatus };
  await deps.onReceipt.receiptRecorded({ entry, note: describeDeliveryReceipt(entry, receipt, recovered), eventKey: deliveryReceiptEventKey(receipt), at: now });
  return { outcome: 'recorded', jobId: entry.jobId, messageKey: key, deliveryStatus };
}

/**
 * The Messages API reports no price when it takes a message; its status webhook carries it
 * (`usage.price`). A sent message whose send reported none is counted in the statistics at that
 * price, under the same uuid as at send time (repriced, never counted twice; created if the
 * receipt comes first, which the send's own count then finds). A price known from the send (the
 * SMS API's) stays: the SMS API's receipts price each part of a long SMS on its own.
 */
async function countReceiptPrice(deps: DeliveryReceiptDeps, entry: NotificationEntryWithDelivery, receipt: DeliveryReceipt, now: Date): Promise<void> {
  if (receipt.price === null || entry.price !== null || entry.state !== 'sent' || entry.customerId === null || entry.channel === null) return;
  const counted = ownStatsMessage({ customerId: entry.customerId, channel: entry.channel, event: entry.kind, price: receipt.price, messageKey: entry.messageKey });
  await deps.stats.reprice(counted, now);
}

/** Compare-and-set on the stored delivery outcome, retried a few times against a concurrent receipt. */
async function storeDelivery(deps: DeliveryReceiptDeps, found: NotificationEntryWithDelivery, receipt: DeliveryReceipt, now: Date): Promise<void> {
  const next: Delivery = {
    outcome: receipt.outcome,
    errorCode: receipt.errorCode,
    deliveredAt: receipt.outcome.kind === 'delivered' ? (receipt.reportedAt ?? now) : null,
  };
  let stored = found.delivery;
  for (let attempt = 1; attempt <= 5; attempt++) {
    if (stored && deliveryRank(next.outcome) < deliveryRank(stored.outcome)) return;
    if (stored && sameDeliveryOutcome(stored.outcome, next.outcome) && stored.errorCode === next.errorCode) return;
    if (await deps.notificationLog.recordDelivery(found.messageKey, stored?.outcome ?? null, next)) return;
    stored = (await deps.notificationLog.getWithDelivery(found.messageKey))?.delivery ?? null;
  }
  throw new Error(`delivery status of ${found.messageKey} kept changing under us; the provider will retry the receipt`);
}
