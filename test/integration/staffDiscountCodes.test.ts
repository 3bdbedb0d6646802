import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Relay } from '../../src/compositionRoot.js';
import { provideRelay } from '../../src/processRelay.js';
import { callHttpFunction } from '../support/http.js';
import { startRealStack, type RealStack } from '../support/realStack.js';
import { staffHeaders } from '../support/staffHeaders.js';
import '../../src/functions/discounts/generateDiscountCodes.js';
import '../../src/functions/discounts/lookUpDiscountCode.js';
import '../../src/functions/discounts/redeemDiscountCode.js';

/** The relay's clock: the test moves it past a batch's expiry. */
const clock = { at: new Date('2026-12-07T12:00:00.000Z'), now() { return new Date(this.at); } };

const generate = (brandId: string, body: unknown, key: string) =>
  callHttpFunction('staffGenerateDiscountCodes', 'POST', { params: { brandId }, headers: { ...staffHeaders(), 'idempotency-key': key }, body: JSON.stringify(body) });
const lookUp = (code: string) => callHttpFunction('lookUpDiscountCode', 'GET', { params: { code }, headers: staffHeaders() });
const redeemAtCounter = (code: string) => callHttpFunction('staffRedeemDiscountCode', 'POST', { params: { code }, headers: staffHeaders() });
const redeemByMachine = (code: string) => callHttpFunction('redeemDiscountCode', 'POST', { params: { code } });

/** The console's discount-code routes over the real stack: batches with a value and an expiry, lookup, redemption at the counter. */
describe('staff discount-code routes', () => {
  let stack: RealStack;
  let relay: Relay;

  beforeAll(async () => {
    stack = await startRealStack({ WEBSITE_AUTH_ENABLED: 'True' }, undefined, { clock });
    ({ relay } = stack);
  });
  beforeEach(() => {
    provideRelay(async () => relay);
    clock.at = new Date('2026-12-07T12:00:00.000Z');
  });
  afterAll(async () => stack?.stop());

  it('generates a batch with its value and expiry, looks a code up with its holder masked, and refuses it at the counter once expired', async () => {
    const created = await generate('winter', { count: 2, value: { percent: 15 }, expiresAt: '2026-12-31T23:59:59+00:00' }, 'winter-1');
    expect(created).toMatchObject({ status: 201, body: { brandId: 'winter', generated: 2, available: 2 } });
    expect(await generate('winter', { count: 2, value: { percent: 20 }, expiresAt: '2026-12-31T23:59:59Z' }, 'winter-1')).toMatchObject({ status: 422 });

    const customer = await relay.createCustomer({ name: 'Ada Lovelace', subscriptions: [] });
    if (customer.outcome !== 'saved') throw new Error(customer.outcome);
    const claimed = await relay.claimDiscountCode('winter', customer.customer.customerId);
    if (claimed.status !== 'claimed') throw new Error(claimed.status);
    const looked = await lookUp(claimed.code.toLowerCase());
    expect(looked).toMatchObject({
      status: 200,
      body: {
        code: claimed.code,
        brandId: 'winter',
        value: { kind: 'percent', percent: 15 },
        expiresAt: '2026-12-31T23:59:59.000Z',
        state: 'claimed',
        customer: { customerId: customer.customer.customerId, nameMasked: 'A*** L***' },
        redeemedAt: null,
      },
    });
    expect(JSON.stringify(looked.body)).not.toContain('Lovelace');

    clock.at = new Date('2027-01-01T00:00:00.000Z');
    for (const refused of [await redeemAtCounter(claimed.code), await redeemByMachine(claimed.code)]) {
      expect(refused).toMatchObject({ status: 422, contentType: 'application/problem+json', body: { expiresAt: '2026-12-31T23:59:59.000Z' } });
      expect(refused.body.detail).toMatch(/expired at 2026-12-31T23:59:59.000Z/);
    }
    expect((await lookUp(claimed.code)).body.state).toBe('expired');
  });

  it('redeems an unexpired code at the counter once; refuses bad terms and asks staff to sign in', async () => {
    expect(await generate('spring', { count: 1, value: { amount: '5.00', currency: 'GBP' } }, 'spring-1')).toMatchObject({ status: 201 });
    const customer = await relay.createCustomer({ name: 'Bob', subscriptions: [] });
    if (customer.outcome !== 'saved') throw new Error(customer.outcome);
    const claimed = await relay.claimDiscountCode('spring', customer.customer.customerId);
    if (claimed.status !== 'claimed') throw new Error(claimed.status);
    expect((await lookUp(claimed.code)).body).toMatchObject({ value: { kind: 'amount', amount: '5.00', currency: 'GBP' }, expiresAt: null, state: 'claimed' });
    expect(await redeemAtCounter(claimed.code)).toMatchObject({ status: 200, body: { code: claimed.code, brandId: 'spring', status: 'redeemed' } });
    expect(await redeemAtCounter(claimed.code)).toMatchObject({ status: 409 });

    expect((await generate('spring', { count: 1, expiresAt: '2026-12-01T00:00:00Z' }, 'spring-past')).status).toBe(422);
    for (const value of [{ percent: 0 }, { percent: 101 }, { percent: 12.5 }, { amount: 5, currency: 'GBP' }, { amount: '0.00', currency: 'GBP' }, { amount: '5.00', currency: 'gbp' }]) {
      expect((await generate('spring', { count: 1, value }, `spring-${JSON.stringify(value)}`)).status, JSON.stringify(value)).toBe(400);
    }
    expect((await generate('spring', { count: 1, expiresAt: 'next week' }, 'spring-words')).status).toBe(400);
    expect((await lookUp('NOT-A-CODE')).status).toBe(400);
    expect((await lookUp('ZZZZZZZZZZ')).status).toBe(404);
    expect((await callHttpFunction('lookUpDiscountCode', 'GET', { params: { code: claimed.code } })).status).toBe(401);
  });
});
