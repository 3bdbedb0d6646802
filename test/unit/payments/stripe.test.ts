import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { stripeCurrencyExponent } from '../../../src/adapters/stripe/currencies.js';
import { STRIPE_PAYMENT_NAMESPACE, stripePaymentId, uuidV5 } from '../../../src/adapters/stripe/paymentIds.js';
import { stripeAmount, toProviderEvent } from '../../../src/adapters/stripe/stripeEvents.js';
import { jobIdFromReference } from '../../../src/domain/payments/recordProviderEvent.js';
import { amountFromMinorUnits } from '../../../src/domain/shared/money.js';
import {
  checkoutSessionObject,
  LOCAL_STRIPE_WEBHOOK_SECRET,
  minorUnitsFromDecimal,
  paymentIntentObject,
  refundedChargeObject,
  StripeAmountError,
  stripeEvent,
  stripeObjectId,
} from '../../../scripts/stripeEvents.js';

describe('Stripe amounts', () => {
  it('converts minor units to the ledger amount by the exponent, exactly', () => {
    expect(amountFromMinorUnits(4550n, 2)).toBe('45.500');
    expect(amountFromMinorUnits(4500n, 0)).toBe('4500.000');
    expect(amountFromMinorUnits(12345n, 3)).toBe('12.345');
    expect(amountFromMinorUnits(1n, 2)).toBe('0.010');
    expect(amountFromMinorUnits(9007199254740991n, 3)).toBe('9007199254740.991');
    for (const bad of [4, -1, 1.5]) expect(() => amountFromMinorUnits(1n, bad), String(bad)).toThrow(RangeError);
  });

  it("uses Stripe's zero- and three-decimal lists, not ISO 4217's exponents", () => {
    expect(['JPY', 'jpy', 'KRW', 'UGX', 'XOF', 'VND'].map(stripeCurrencyExponent)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(['KWD', 'bhd', 'JOD', 'OMR', 'TND'].map(stripeCurrencyExponent)).toEqual([3, 3, 3, 3, 3]);
    // ISK and HUF: Stripe amounts have two decimals, whatever ISO 4217 says of ISK.
    expect(['GBP', 'usd', 'EUR', 'ISK', 'HUF', 'TWD'].map(stripeCurrencyExponent)).toEqual([2, 2, 2, 2, 2, 2]);
    expect([stripeAmount(4550, 'gbp'), stripeAmount(4500, 'jpy'), stripeAmount(12340, 'kwd'), stripeAmount(150000, 'isk')]).toEqual([
      '45.500',
      '4500.000',
      '12.340',
      '1500.000',
    ]);
    expect(() => stripeAmount(Number.MAX_SAFE_INTEGER, 'jpy')).toThrow('too large for the ledger');
  });

  it('reads npm run pay:stripe amounts into minor units without a float', () => {
    expect(minorUnitsFromDecimal('45.5', 'gbp')).toBe(4550);
    expect(minorUnitsFromDecimal('45', 'GBP')).toBe(4500);
    expect(minorUnitsFromDecimal('4500', 'jpy')).toBe(4500);
    expect(minorUnitsFromDecimal('12.34', 'kwd')).toBe(12340);
    for (const [amount, currency] of [['1.5', 'jpy'], ['45.505', 'gbp'], ['-1', 'gbp'], ['0', 'gbp'], ['1e3', 'gbp'], ['', 'gbp']]) {
      expect(() => minorUnitsFromDecimal(amount!, currency!), `${amount} ${currency}`).toThrow(StripeAmountError);
    }
  });
});

describe('Stripe payment ids', () => {
  it('are RFC 9562 version 5 UUIDs', () => {
    // RFC 9562's DNS namespace example, as Python's uuid.uuid5(NAMESPACE_DNS, 'www.example.com') gives it.
    expect(uuidV5('www.example.com', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe('2ed6657d-e927-568b-95e1-2665a8aea6a2');
    expect(() => uuidV5('x', 'not-a-uuid')).toThrow(RangeError);
    expect(z.uuid().safeParse(STRIPE_PAYMENT_NAMESPACE).success).toBe(true);
  });

  it('name one payment per payment intent, whichever event carries it', () => {
    const id = stripePaymentId({ paymentIntent: 'pi_3MtwBwLkdIwHu7ix28a3tqPa' });
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(stripePaymentId({ paymentIntent: 'pi_3MtwBwLkdIwHu7ix28a3tqPa' })).toBe(id);
    expect(stripePaymentId({ paymentIntent: 'pi_3MtwBwLkdIwHu7ix28a3tqPb' })).not.toBe(id);
    expect(stripePaymentId({ checkoutSession: 'pi_3MtwBwLkdIwHu7ix28a3tqPa' })).not.toBe(id);

    const fields = { paymentIntentId: 'pi_3MtwBwLkdIwHu7ix28a3tqPa', amount: 4550, currency: 'gbp', jobId: '42' };
    const fromIntent = toProviderEvent(stripeEvent('payment_intent.succeeded', paymentIntentObject(fields)));
    const fromSession = toProviderEvent(stripeEvent('checkout.session.completed', checkoutSessionObject(fields)));
    const expanded = toProviderEvent(
      stripeEvent('checkout.session.completed', { ...checkoutSessionObject(fields), payment_intent: paymentIntentObject(fields) }),
    );
    expect([fromIntent, fromSession, expanded]).toEqual([
      expect.objectContaining({ kind: 'payment', paymentId: id, jobReference: '42', amount: '45.500', currency: 'GBP' }),
      expect.objectContaining({ kind: 'payment', paymentId: id, jobReference: '42', amount: '45.500', currency: 'GBP' }),
      expect.objectContaining({ kind: 'payment', paymentId: id }),
    ]);
  });

  it('name a paid session without a payment intent (subscription mode) by the session', () => {
    const paid = checkoutSessionObject({ paymentIntentId: 'x', amount: 900, currency: 'gbp', jobId: '7' });
    const session = { ...paid, payment_intent: null, mode: 'subscription' };
    expect(toProviderEvent(stripeEvent('checkout.session.async_payment_succeeded', session))).toMatchObject({
      kind: 'payment',
      paymentId: stripePaymentId({ checkoutSession: paid.id as string }),
      amount: '9.000',
    });
  });

  it('read a refund as the total refunded on the charge, placed through its payment intent', () => {
    const charge = refundedChargeObject({ paymentIntentId: 'pi_A', chargeId: 'ch_B', amount: 4550, amountRefunded: 1000, currency: 'gbp', jobId: null });
    expect(toProviderEvent(stripeEvent('charge.refunded', charge, { eventId: 'evt_C', created: 1_780_000_000 }))).toEqual({
      kind: 'refund',
      source: { provider: 'stripe', eventId: 'evt_C', eventType: 'charge.refunded', objectId: 'ch_B' },
      jobReference: null,
      chargeId: 'ch_B',
      paymentId: stripePaymentId({ paymentIntent: 'pi_A' }),
      amountRefunded: '10.000',
      currency: 'GBP',
      fullyRefunded: false,
      refundedAt: new Date(1_780_000_000_000),
    });
  });
});

describe('metadata.jobId', () => {
  it('is a job id only when it is a positive INT, leading zeros allowed', () => {
    expect(['123', '00123', '2147483647'].map(jobIdFromReference)).toEqual([123, 123, 2147483647]);
    expect([null, '', '0', '-1', '12.0', ' 12', 'JOB-12', '2147483648', '99999999999'].map(jobIdFromReference)).toEqual(Array(9).fill(undefined));
  });
});

describe('npm run pay:stripe', () => {
  it('makes Stripe-looking ids', () => {
    expect(stripeObjectId('evt')).toMatch(/^evt_[0-9A-Za-z]{24}$/);
    expect(stripeObjectId('cs_test')).toMatch(/^cs_test_[0-9A-Za-z]{58}$/);
  });

  it('signs with the same local secret local.settings.sample.json gives the app', () => {
    const sample = JSON.parse(readFileSync(path.resolve(__dirname, '../../../local.settings.sample.json'), 'utf8')) as { Values: Record<string, string> };
    expect(LOCAL_STRIPE_WEBHOOK_SECRET).toMatch(/^whsec_/);
    expect(sample.Values.STRIPE_WEBHOOK_SECRET).toBe(LOCAL_STRIPE_WEBHOOK_SECRET);
  });
});
