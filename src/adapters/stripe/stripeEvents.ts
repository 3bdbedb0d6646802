import Stripe from 'stripe';
import { z } from 'zod';
import type { ProviderEvent, ProviderEventSource } from '../../domain/payments/recordProviderEvent.js';
import { AMOUNT_PATTERN, amountFromMinorUnits } from '../../domain/shared/money.js';
import { describeIssues } from '../../domain/shared/issues.js';
import { stripeCurrencyExponent } from './currencies.js';
import { stripePaymentId } from './paymentIds.js';
import type { Result } from '../../domain/shared/result.js';

/**
 * Stripe's webhooks, read with Stripe's own library: `webhooks.constructEvent` checks the
 * `Stripe-Signature` header over the exact bytes received, with Stripe's default tolerance
 * (300 s), and only then is the event read into a ProviderEvent the domain understands.
 */

export type StripeEventCheck = Result<{ event: ProviderEvent }>;

/** The event types Repair Relay acts on; every other type is answered 200 and ignored. */
export const STRIPE_EVENT_TYPES = [
  'payment_intent.succeeded',
  'checkout.session.completed',
  'checkout.session.async_payment_succeeded',
  'charge.refunded',
] as const;

const stripeId = z.string().regex(/^[A-Za-z0-9_]{3,255}$/, 'must be a Stripe object id');
const minorUnits = z
  .number()
  .refine(Number.isSafeInteger, 'must be a whole number of the currency\'s minor units')
  .refine((value) => value >= 0, 'must not be negative');
const currency = z.string().regex(/^[a-zA-Z]{3}$/, 'must be a three-letter ISO 4217 code');
const metadata = z.record(z.string(), z.unknown()).nullish();
/** An expandable field: Stripe sends the id, or the object when it was expanded. */
const expandable = stripeId.or(z.object({ id: stripeId }).transform((object) => object.id));

const envelope = z.object({
  id: stripeId,
  type: z.string().min(1).max(128),
  created: z.number().int().positive(),
  data: z.object({ object: z.record(z.string(), z.unknown()) }),
});

const paymentIntent = z.object({
  id: stripeId,
  amount_received: minorUnits,
  currency,
  metadata,
});

const checkoutSession = z.object({
  id: stripeId,
  payment_status: z.string(),
  amount_total: minorUnits,
  currency,
  payment_intent: expandable.nullish(),
  metadata,
});

const charge = z.object({
  id: stripeId,
  amount_refunded: minorUnits,
  currency,
  refunded: z.boolean(),
  payment_intent: expandable.nullish(),
  metadata,
});

/** A reading of a handled event that went wrong; answered 400 so Stripe shows it and retries. */
class UnreadableEvent extends Error {}

function parse<T>(schema: z.ZodType<T>, value: unknown, where: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new UnreadableEvent(describeIssues(parsed.error.issues, { within: [where] }));
}

function jobReference(meta: Record<string, unknown> | null | undefined): string | null {
  const value = meta?.jobId;
  return typeof value === 'string' ? value : null;
}

/** Minor units as the ledger's 3-decimal amount, exactly (never through a binary float). */
export function stripeAmount(minor: number, currencyCode: string): string {
  const amount = amountFromMinorUnits(BigInt(minor), stripeCurrencyExponent(currencyCode));
  if (!AMOUNT_PATTERN.test(amount)) throw new UnreadableEvent(`amount ${amount} ${currencyCode.toUpperCase()} is too large for the ledger`);
  return amount;
}

function positiveAmount(minor: number, currencyCode: string, field: string): string {
  if (minor === 0) throw new UnreadableEvent(`data.object.${field}: must be more than zero`);
  return stripeAmount(minor, currencyCode);
}

/** A verified Stripe event (any shape) as what Repair Relay does with it. */
export function toProviderEvent(raw: unknown): ProviderEvent {
  const event = parse(envelope, raw, 'event');
  const object = event.data.object;
  const at = new Date(event.created * 1000);
  const source = (objectId: string): ProviderEventSource => ({ provider: 'stripe', eventId: event.id, eventType: event.type, objectId });

  const payment = (objectId: string, meta: Record<string, unknown> | null | undefined, paymentId: string, minor: number, code: string, field: string): ProviderEvent => ({
    kind: 'payment',
    source: source(objectId),
    jobReference: jobReference(meta),
    paymentId,
    amount: positiveAmount(minor, code, field),
    currency: code.toUpperCase(),
    paidAt: at,
  });

  switch (event.type) {
    case 'payment_intent.succeeded': {
      const intent = parse(paymentIntent, object, 'data.object');
      return payment(intent.id, intent.metadata, stripePaymentId({ paymentIntent: intent.id }), intent.amount_received, intent.currency, 'amount_received');
    }
    case 'checkout.session.completed':
    case 'checkout.session.async_payment_succeeded': {
      const session = parse(z.object({ id: stripeId, payment_status: z.string() }), object, 'data.object');
      if (session.payment_status !== 'paid') {
        return { kind: 'ignored', source: source(session.id), reason: `checkout session is not paid (payment_status ${session.payment_status.slice(0, 32)})` };
      }
      const paid = parse(checkoutSession, object, 'data.object');
      const paymentId = stripePaymentId(paid.payment_intent ? { paymentIntent: paid.payment_intent } : { checkoutSession: paid.id });
      return payment(paid.id, paid.metadata, paymentId, paid.amount_total, paid.currency, 'amount_total');
    }
    case 'charge.refunded': {
      const refunded = parse(charge, object, 'data.object');
      return {
        kind: 'refund',
        source: source(refunded.id),
        jobReference: jobReference(refunded.metadata),
        chargeId: refunded.id,
        paymentId: refunded.payment_intent ? stripePaymentId({ paymentIntent: refunded.payment_intent }) : null,
        amountRefunded: positiveAmount(refunded.amount_refunded, refunded.currency, 'amount_refunded'),
        currency: refunded.currency.toUpperCase(),
        fullyRefunded: refunded.refunded,
        refundedAt: at,
      };
    }
    default:
      return { kind: 'ignored', source: source(typeof object.id === 'string' ? object.id.slice(0, 255) : ''), reason: `event type ${event.type} is not one Repair Relay acts on` };
  }
}

/** Stripe's message up to its first sentence: the rest is advice for integrators, not for the caller. */
function firstSentence(message: string): string {
  return message.split(/\.\s|\n/)[0]!.replace(/\.$/, '').trim();
}

/**
 * Verifies `Stripe-Signature` over the raw body with `stripe.webhooks.constructEvent` and reads the
 * event. A bad, stale or missing signature, and a signed event of a handled type that cannot be
 * read, give `ok: false` with a detail for the 400 answer.
 */
export function readStripeEvent(rawBody: Buffer, signatureHeader: string | null, secret: string): StripeEventCheck {
  if (!signatureHeader) return { ok: false, detail: 'Stripe-Signature header is missing' };
  let verified: unknown;
  try {
    verified = Stripe.webhooks.constructEvent(rawBody, signatureHeader, secret);
  } catch (error) {
    if (error instanceof Stripe.errors.StripeSignatureVerificationError) {
      return { ok: false, detail: `Stripe-Signature could not be verified: ${firstSentence(error.message)}` };
    }
    return { ok: false, detail: 'the signed body is not a Stripe event in JSON' };
  }
  try {
    return { ok: true, event: toProviderEvent(verified) };
  } catch (error) {
    if (error instanceof UnreadableEvent) return { ok: false, detail: `signed Stripe event could not be read: ${error.message}` };
    throw error;
  }
}
