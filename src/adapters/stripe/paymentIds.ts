import { createHash } from 'node:crypto';

/** Fixed namespace of Repair Relay's Stripe payment ids (a random UUID chosen once; never change it). */
export const STRIPE_PAYMENT_NAMESPACE = 'c4722bce-ae81-437f-bbd6-e49d4985ce3d';

/** RFC 9562 UUID version 5 (SHA-1, name-based) of `name` in `namespace`. */
export function uuidV5(name: string, namespace: string): string {
  const namespaceBytes = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  if (namespaceBytes.length !== 16) throw new RangeError(`not a UUID: ${namespace}`);
  const bytes = createHash('sha1').update(namespaceBytes).update(name, 'utf8').digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * The ledger `paymentId` of a Stripe payment: derived from the payment intent id, so
 * `payment_intent.succeeded` and the `checkout.session.completed` of the same payment (and any
 * redelivery of either) name one payment. A paid session without a payment intent (subscription
 * mode) is named by the session id instead.
 */
export function stripePaymentId(source: { paymentIntent: string } | { checkoutSession: string }): string {
  const name = 'paymentIntent' in source ? `stripe:payment_intent:${source.paymentIntent}` : `stripe:checkout_session:${source.checkoutSession}`;
  return uuidV5(name, STRIPE_PAYMENT_NAMESPACE);
}
