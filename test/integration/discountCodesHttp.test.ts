import type { Container } from '@azure/cosmos';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { provideRelay } from '../../src/processRelay.js';
import { type Relay } from '../../src/compositionRoot.js';
import { callHttpFunction } from '../support/http.js';
import { startRealStack, type RealStack } from '../support/realStack.js';
import '../../src/functions/discounts/claimDiscountCode.js';
import '../../src/functions/discounts/generateDiscountCodes.js';
import '../../src/functions/discounts/getDiscountCodes.js';
import '../../src/functions/discounts/redeemDiscountCode.js';

const generate = (brandId: string, body: unknown, headers: Record<string, string> = {}) =>
  callHttpFunction('generateDiscountCodes', 'POST', { params: { brandId }, headers, body: typeof body === 'string' ? body : JSON.stringify(body) });
const counts = (brandId: string) => callHttpFunction('getDiscountCodes', 'GET', { params: { brandId } });
const claim = (brandId: string, body: unknown) =>
  callHttpFunction('claimDiscountCode', 'POST', { params: { brandId }, body: typeof body === 'string' ? body : JSON.stringify(body) });
const redeem = (code: string) => callHttpFunction('redeemDiscountCode', 'POST', { params: { code } });

/** The four discount-code routes through their function files, over the composition root's relay and the embedded Cosmos server. */
describe('discount code routes', () => {
  let stack: RealStack;
  let relay: Relay;
  let codesContainer: Container;

  /** Every document in the container (a handful in these tests). */
  const documentCount = async () => (await codesContainer.items.query<number>('SELECT VALUE COUNT(1) FROM c').fetchAll()).resources[0];

  beforeAll(async () => {
    stack = await startRealStack();
    ({ relay } = stack);
    ({ container: codesContainer } = await stack.cosmos.openContainer('discountCodes'));
  });
  beforeEach(() => provideRelay(async () => relay));
  afterAll(async () => stack?.stop());

  /** Customers that exist, so their claims are allowed: a claim is only for a customer we know. */
  async function newCustomers(count: number): Promise<number[]> {
    const ids: number[] = [];
    for (let i = 0; i < count; i++) {
      const created = await relay.createCustomer({ name: `Claimer ${i}`, subscriptions: [] });
      if (created.outcome !== 'saved') throw new Error(`customer not created: ${created.outcome}`);
      ids.push(created.customer.customerId);
    }
    return ids;
  }

  it('generates, counts, claims (201 then 200 with the same code), redeems once in any case', async () => {
    const [c1, c2, c3, c4] = await newCustomers(4);
    expect(await counts('acme')).toMatchObject({ status: 404, contentType: 'application/problem+json' });
    expect(await claim('acme', { customerId: c1 })).toMatchObject({ status: 404, body: { detail: 'brand acme has no discount codes' } });

    expect(await generate('acme', { count: 3 }, { 'Idempotency-Key': 'first' })).toMatchObject({ status: 201, body: { brandId: 'acme', generated: 3, available: 3 } });
    // A repeat of the same request changes nothing.
    expect(await generate('acme', { count: 3 }, { 'Idempotency-Key': 'first' })).toMatchObject({ status: 201, body: { generated: 3 } });
    expect(await generate('acme', { count: 4 }, { 'Idempotency-Key': 'first' })).toMatchObject({ status: 422, contentType: 'application/problem+json' });

    const first = await claim('acme', { customerId: c1 });
    expect(first.status).toBe(201);
    const code = String(first.body.code);
    expect(code).toMatch(/^[2-9A-HJKMNP-Z]{10}$/);
    expect(await claim('acme', { customerId: c1 })).toEqual({ status: 200, contentType: expect.stringContaining('json'), body: { code } });
    expect((await claim('acme', { customerId: c2 })).status).toBe(201);
    expect((await claim('acme', { customerId: c3 })).status).toBe(201);
    expect(await claim('acme', { customerId: c4 })).toMatchObject({ status: 409, body: { detail: 'brand acme has no discount codes left' } });
    expect(await claim('acme', { customerId: c1 })).toMatchObject({ status: 200, body: { code } });

    expect(await redeem(code.toLowerCase())).toMatchObject({ status: 200, body: { code, brandId: 'acme', status: 'redeemed' } });
    expect(await redeem(code)).toMatchObject({ status: 409, contentType: 'application/problem+json' });
    expect(await redeem('ZZZZZZZZZZ')).toMatchObject({ status: 404, contentType: 'application/problem+json' });
    expect(await counts('acme')).toMatchObject({ status: 200, body: { brandId: 'acme', generated: 3, claimed: 3, redeemed: 1, available: 0 } });
  });

  it('a claim for a customer who does not exist: 404, and no code is claimed', async () => {
    await generate('unknown-claimer', { count: 2 });
    const [known] = await newCustomers(1);
    const unknown = known! + 1000;
    expect(await claim('unknown-claimer', { customerId: unknown })).toMatchObject({
      status: 404,
      contentType: 'application/problem+json',
      body: { detail: `customer ${unknown} does not exist` },
    });
    expect(await counts('unknown-claimer')).toMatchObject({ status: 200, body: { generated: 2, claimed: 0, available: 2 } });
    expect((await claim('unknown-claimer', { customerId: known })).status).toBe(201);
  });

  it('races 50 customers over a pool of 10 through the functions: 10 x 201 with distinct codes, 40 x 409', async () => {
    await generate('pool-of-10', { count: 10 });
    const customers = await newCustomers(50);
    const answers = await Promise.all(customers.map((customerId) => claim('pool-of-10', { customerId })));
    const winners = answers.filter((a) => a.status === 201);
    expect(winners).toHaveLength(10);
    expect(new Set(winners.map((a) => a.body.code)).size).toBe(10);
    expect(answers.filter((a) => a.status === 409)).toHaveLength(40);
  });

  it('redeems concurrently once: one 200, the rest 409', async () => {
    await generate('redeem-race', { count: 2 });
    const [customerId] = await newCustomers(1);
    const code = String((await claim('redeem-race', { customerId })).body.code);
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => redeem(i % 2 ? code : code.toLowerCase())));
    expect(answers.filter((a) => a.status === 200)).toHaveLength(1);
    expect(answers.filter((a) => a.status === 409)).toHaveLength(19);
  });

  describe('refuses bad input with a problem and writes nothing', () => {
    const badCounts: Array<[string, unknown, number]> = [
      ['count 0', { count: 0 }, 422],
      ['count -1', { count: -1 }, 422],
      ['count 1.5', { count: 1.5 }, 422],
      ['count 10^7', { count: 10 ** 7 }, 422],
      ['count 100,001', { count: 100_001 }, 422],
      ['count "10"', { count: '10' }, 400],
      ['count null', { count: null }, 400],
      ['no count', {}, 400],
      ['an array', [{ count: 1 }], 400],
      ['malformed JSON', '{"count": 1', 400],
    ];
    for (const [name, body, status] of badCounts) {
      it(`generation with ${name}: ${status}`, async () => {
        const before = await documentCount();
        const answer = await generate('bad-input', body);
        expect(answer).toMatchObject({ status, contentType: 'application/problem+json' });
        expect(String(answer.body.detail)).not.toBe('');
        expect(await documentCount()).toBe(before);
      });
    }

    const badBrands = ['with space', 'semi;colon', 'slash/', 'ümlaut', 'x'.repeat(65), ''];
    for (const brandId of badBrands) {
      it(`brand id ${JSON.stringify(brandId.slice(0, 12))}: 400 on every route`, async () => {
        const before = await documentCount();
        for (const answer of [await generate(brandId, { count: 1 }), await counts(brandId), await claim(brandId, { customerId: 1 })]) {
          expect(answer).toMatchObject({ status: 400, contentType: 'application/problem+json' });
          expect(String(answer.body.detail)).toMatch(/brandId must be 1 to 64 letters, digits or "-"/);
        }
        expect(await documentCount()).toBe(before);
      });
    }

    it('an Idempotency-Key with spaces or control characters: 400', async () => {
      const before = await documentCount();
      expect(await generate('bad-input', { count: 1 }, { 'Idempotency-Key': 'has space' })).toMatchObject({ status: 400 });
      expect(await documentCount()).toBe(before);
    });

    const badClaims: Array<[string, unknown]> = [
      ['no customerId', {}],
      ['customerId "1"', { customerId: '1' }],
      ['customerId 0', { customerId: 0 }],
      ['customerId -3', { customerId: -3 }],
      ['customerId 1.5', { customerId: 1.5 }],
      ['customerId null', { customerId: null }],
      ['customerId 2^53', { customerId: 2 ** 53 }],
      ['malformed JSON', '{'],
    ];
    for (const [name, body] of badClaims) {
      it(`claim with ${name}: 400`, async () => {
        await generate('claims-checked', { count: 1 }, { 'Idempotency-Key': 'one' });
        const before = await documentCount();
        expect(await claim('claims-checked', body)).toMatchObject({ status: 400, contentType: 'application/problem+json' });
        expect(await documentCount()).toBe(before);
      });
    }

    for (const code of ['SHORT', 'ABCDEFGH2O', 'ABCDEFGH21', 'ABCDEFGHIL', 'ABCDEFGH2345', 'AB-DEFGH23']) {
      it(`redeem of impossible code ${code}: 400; of an unknown one: 404`, async () => {
        const before = await documentCount();
        expect(await redeem(code)).toMatchObject({ status: 400, contentType: 'application/problem+json' });
        expect(await redeem('23456789AB')).toMatchObject({ status: 404, contentType: 'application/problem+json' });
        expect(await documentCount()).toBe(before);
      });
    }
  });
});
