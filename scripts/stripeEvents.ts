/**
 * Stripe webhook events as Stripe sends them (the object shapes of Stripe's API reference, with
 * realistic ids), signed with Stripe's own library. Used by `npm run pay:stripe` and the tests.
 */
import { randomBytes } from 'node:crypto';
import Stripe from 'stripe';
import { stripeCurrencyExponent } from '../src/adapters/stripe/currencies.js';

/**
 * The signing secret `npm run pay:stripe` uses when STRIPE_WEBHOOK_SECRET is unset; the local host
 * should default STRIPE_WEBHOOK_SECRET to it (as it does PAYMENT_WEBHOOK_SECRET for `npm run pay`).
 * It unlocks nothing beyond this machine.
 */
export { LOCAL_STRIPE_WEBHOOK_SECRET } from '../dev/defaults.js';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** A Stripe-looking id: `evt_…`, `pi_…`, `ch_…`, `cs_test_…` (24 random base62 characters; 58 for sessions). */
export function stripeObjectId(prefix: 'evt' | 'pi' | 'ch' | 'cs_test' | 'pm' | 'txn' | 'req', length = prefix === 'cs_test' ? 58 : 24): string {
  const bytes = randomBytes(length);
  return `${prefix}_${Array.from(bytes, (byte) => BASE62[byte % 62]).join('')}`;
}

export class StripeAmountError extends Error {}

/** A decimal amount ("45.5") in the currency's Stripe minor units (4550 for GBP), without a float. */
export function minorUnitsFromDecimal(amount: string, currency: string): number {
  const match = /^(\d{1,12})(?:\.(\d+))?$/.exec(amount.trim());
  if (!match) throw new StripeAmountError(`amount must be a decimal number such as 45.50, not "${amount}"`);
  const exponent = stripeCurrencyExponent(currency);
  const fraction = match[2] ?? '';
  if (fraction.length > exponent) {
    throw new StripeAmountError(`${currency.toUpperCase()} amounts have ${exponent} decimals at Stripe; "${amount}" has more`);
  }
  const minor = BigInt(match[1]! + fraction.padEnd(exponent, '0'));
  if (minor <= 0n || minor > BigInt(Number.MAX_SAFE_INTEGER)) throw new StripeAmountError(`amount must be more than zero and at most ${Number.MAX_SAFE_INTEGER} minor units`);
  return Number(minor);
}

export interface StripeEventOptions {
  eventId?: string;
  /** Unix seconds; default now. */
  created?: number;
}

/** The event envelope around `object`, as a webhook endpoint receives it. */
export function stripeEvent(type: string, object: Record<string, unknown>, options: StripeEventOptions = {}): Record<string, unknown> {
  return {
    id: options.eventId ?? stripeObjectId('evt'),
    object: 'event',
    api_version: Stripe.API_VERSION,
    created: options.created ?? Math.floor(Date.now() / 1000),
    data: { object },
    livemode: false,
    pending_webhooks: 1,
    request: { id: stripeObjectId('req'), idempotency_key: randomBytes(16).toString('hex') },
    type,
  };
}

export interface PaymentFields {
  paymentIntentId: string;
  /** Minor units, as Stripe sends them. */
  amount: number;
  /** Lower case, as Stripe sends it. */
  currency: string;
  /** `metadata.jobId`; null leaves it out. */
  jobId: string | null;
  chargeId?: string;
  created?: number;
}

function metadataWith(jobId: string | null): Record<string, string> {
  return jobId === null ? {} : { jobId };
}

/** A succeeded PaymentIntent (API reference: "The PaymentIntent object"). */
export function paymentIntentObject(fields: PaymentFields): Record<string, unknown> {
  const created = fields.created ?? Math.floor(Date.now() / 1000);
  return {
    id: fields.paymentIntentId,
    object: 'payment_intent',
    amount: fields.amount,
    amount_capturable: 0,
    amount_details: { tip: {} },
    amount_received: fields.amount,
    application: null,
    application_fee_amount: null,
    automatic_payment_methods: { allow_redirects: 'always', enabled: true },
    canceled_at: null,
    cancellation_reason: null,
    capture_method: 'automatic_async',
    client_secret: `${fields.paymentIntentId}_secret_${randomBytes(12).toString('hex')}`,
    confirmation_method: 'automatic',
    created,
    currency: fields.currency,
    customer: null,
    description: null,
    last_payment_error: null,
    latest_charge: fields.chargeId ?? stripeObjectId('ch'),
    livemode: false,
    metadata: metadataWith(fields.jobId),
    next_action: null,
    on_behalf_of: null,
    payment_method: stripeObjectId('pm'),
    payment_method_configuration_details: null,
    payment_method_options: { card: { installments: null, mandate_options: null, network: null, request_three_d_secure: 'automatic' } },
    payment_method_types: ['card'],
    processing: null,
    receipt_email: null,
    review: null,
    setup_future_usage: null,
    shipping: null,
    source: null,
    statement_descriptor: null,
    statement_descriptor_suffix: null,
    status: 'succeeded',
    transfer_data: null,
    transfer_group: null,
  };
}

/** A completed Checkout Session in payment mode (API reference: "The Checkout Session object"). */
export function checkoutSessionObject(fields: PaymentFields & { sessionId?: string; paymentStatus?: string }): Record<string, unknown> {
  const created = fields.created ?? Math.floor(Date.now() / 1000);
  return {
    id: fields.sessionId ?? stripeObjectId('cs_test'),
    object: 'checkout.session',
    after_expiration: null,
    allow_promotion_codes: null,
    amount_subtotal: fields.amount,
    amount_total: fields.amount,
    automatic_tax: { enabled: false, liability: null, status: null },
    billing_address_collection: null,
    cancel_url: null,
    client_reference_id: null,
    consent: null,
    consent_collection: null,
    created,
    currency: fields.currency,
    custom_fields: [],
    custom_text: { after_submit: null, shipping_address: null, submit: null, terms_of_service_acceptance: null },
    customer: null,
    customer_creation: 'if_required',
    customer_details: {
      address: { city: null, country: 'GB', line1: null, line2: null, postal_code: 'SW1A 1AA', state: null },
      email: 'jenny.rosen@example.com',
      name: 'Jenny Rosen',
      phone: null,
      tax_exempt: 'none',
      tax_ids: [],
    },
    customer_email: null,
    expires_at: created + 86_400,
    invoice: null,
    invoice_creation: { enabled: false, invoice_data: null },
    livemode: false,
    locale: null,
    metadata: metadataWith(fields.jobId),
    mode: 'payment',
    payment_intent: fields.paymentIntentId,
    payment_link: null,
    payment_method_collection: 'if_required',
    payment_method_options: { card: { request_three_d_secure: 'automatic' } },
    payment_method_types: ['card'],
    payment_status: fields.paymentStatus ?? 'paid',
    phone_number_collection: { enabled: false },
    recovered_from: null,
    setup_intent: null,
    shipping_address_collection: null,
    shipping_cost: null,
    shipping_details: null,
    shipping_options: [],
    status: 'complete',
    submit_type: null,
    subscription: null,
    success_url: 'https://example.com/paid',
    total_details: { amount_discount: 0, amount_shipping: 0, amount_tax: 0 },
    ui_mode: 'hosted',
    url: null,
  };
}

/** A refunded Charge (API reference: "The Charge object"); `refunds` is not included since API 2022-11-15. */
export function refundedChargeObject(fields: PaymentFields & { chargeId: string; amountRefunded: number }): Record<string, unknown> {
  const created = fields.created ?? Math.floor(Date.now() / 1000);
  return {
    id: fields.chargeId,
    object: 'charge',
    amount: fields.amount,
    amount_captured: fields.amount,
    amount_refunded: fields.amountRefunded,
    application: null,
    application_fee: null,
    application_fee_amount: null,
    balance_transaction: stripeObjectId('txn'),
    billing_details: { address: { city: null, country: null, line1: null, line2: null, postal_code: null, state: null }, email: null, name: null, phone: null },
    calculated_statement_descriptor: 'REPAIR RELAY',
    captured: true,
    created,
    currency: fields.currency,
    customer: null,
    description: null,
    disputed: false,
    failure_balance_transaction: null,
    failure_code: null,
    failure_message: null,
    fraud_details: {},
    livemode: false,
    metadata: metadataWith(fields.jobId),
    on_behalf_of: null,
    outcome: { network_status: 'approved_by_network', reason: null, risk_level: 'normal', risk_score: 32, seller_message: 'Payment complete.', type: 'authorized' },
    paid: true,
    payment_intent: fields.paymentIntentId,
    payment_method: stripeObjectId('pm'),
    payment_method_details: { card: { brand: 'visa', country: 'US', exp_month: 8, exp_year: 2030, funding: 'credit', last4: '4242' }, type: 'card' },
    receipt_email: null,
    receipt_number: null,
    receipt_url: `https://pay.stripe.com/receipts/payment/${randomBytes(24).toString('base64url')}`,
    refunded: fields.amountRefunded >= fields.amount,
    review: null,
    shipping: null,
    source_transfer: null,
    statement_descriptor: null,
    statement_descriptor_suffix: null,
    status: 'succeeded',
    transfer_data: null,
    transfer_group: null,
  };
}

/** The `Stripe-Signature` header Stripe would send for this exact body, from Stripe's library. */
export function stripeSignature(payload: string, secret: string, timestamp?: number): string {
  return Stripe.webhooks.generateTestHeaderString({ payload, secret, ...(timestamp === undefined ? {} : { timestamp }) });
}
