/*
 * What a provider's delivery receipt says of a message, in the domain's words. Each provider's
 * own status words are mapped onto these at the edge (src/functions/http/).
 */

/** Nothing final yet: the network has it, holds it until the phone can be reached, or cannot say. */
export const PENDING_STAGES = ['with-network', 'held-for-phone', 'unconfirmed'] as const;
/** Why it will never arrive: it timed out, the network refused it, or it failed otherwise. */
export const UNDELIVERED_REASONS = ['expired', 'refused', 'failed'] as const;

export type DeliveryOutcome =
  | { kind: 'delivered' }
  | { kind: 'pending'; stage: (typeof PENDING_STAGES)[number] }
  | { kind: 'undelivered'; reason: (typeof UNDELIVERED_REASONS)[number] };

export type DeliveryKind = DeliveryOutcome['kind'];

/** Every outcome a receipt can give, once each. */
export const DELIVERY_OUTCOMES: readonly DeliveryOutcome[] = [
  { kind: 'delivered' },
  ...PENDING_STAGES.map((stage) => ({ kind: 'pending' as const, stage })),
  ...UNDELIVERED_REASONS.map((reason) => ({ kind: 'undelivered' as const, reason })),
];

/**
 * The word each outcome has been recorded under since delivery receipts began: the log's
 * `delivery_status`, the job document's `delivery.status` and the job_trans event key
 * (`dlr-<messageId>-<word>`). Stored and shown, so they never change, whatever a provider calls it.
 */
export const DELIVERY_STATUS_WORDS = ['accepted', 'buffered', 'delivered', 'expired', 'failed', 'rejected', 'unknown'] as const;
export type DeliveryStatusWord = (typeof DELIVERY_STATUS_WORDS)[number];

const WORD_OF_STAGE: Record<(typeof PENDING_STAGES)[number], DeliveryStatusWord> = { 'with-network': 'accepted', 'held-for-phone': 'buffered', unconfirmed: 'unknown' };
const WORD_OF_REASON: Record<(typeof UNDELIVERED_REASONS)[number], DeliveryStatusWord> = { expired: 'expired', refused: 'rejected', failed: 'failed' };

export function deliveryStatusWord(outcome: DeliveryOutcome): DeliveryStatusWord {
  if (outcome.kind === 'delivered') return 'delivered';
  return outcome.kind === 'pending' ? WORD_OF_STAGE[outcome.stage] : WORD_OF_REASON[outcome.reason];
}

const OUTCOME_OF_WORD = new Map(DELIVERY_OUTCOMES.map((outcome) => [deliveryStatusWord(outcome), outcome]));

/** The outcome a stored word records. */
export function deliveryOutcomeOf(word: DeliveryStatusWord): DeliveryOutcome {
  const outcome = OUTCOME_OF_WORD.get(word);
  if (!outcome) throw new Error(`no delivery outcome is recorded as ${word}`);
  return outcome;
}

/** The stored words of every outcome of this kind (for a query that filters on them). */
export function deliveryStatusWordsOf(kind: DeliveryKind): DeliveryStatusWord[] {
  return DELIVERY_OUTCOMES.filter((outcome) => outcome.kind === kind).map(deliveryStatusWord);
}

export function sameDeliveryOutcome(a: DeliveryOutcome, b: DeliveryOutcome): boolean {
  return deliveryStatusWord(a) === deliveryStatusWord(b);
}
