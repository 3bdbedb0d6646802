import type { Container } from '@azure/cosmos';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCosmosClient, openDiscountCodesContainer } from '../../src/adapters/cosmos/client.js';
import { CosmosConditionalDocuments } from '../../src/adapters/cosmos/conditionalDocuments.js';
import { cryptoRandom } from '../../src/adapters/system/cryptoRandom.js';
import { CODE_ALPHABET, CODE_LENGTH, newDiscountCodes, normalizeDiscountCode } from '../../src/domain/discounts/discountCode.js';
import { generateDiscountCodes, type GenerationSettings } from '../../src/domain/discounts/discountCodes.js';
import { CLAIM_SHARDS } from '../../src/domain/discounts/documents.js';
import type { DiscountCodes, RandomSource } from '../../src/domain/discounts/ports.js';
import { DiscountCodeProtocol } from '../../src/domain/discounts/protocol.js';
import { startLocalCosmos, type LocalCosmos } from '../kit/cosmos.js';
import { crashAfter, isInjectedCrash } from '../kit/crash.js';
import { FakeClock } from '../kit/clock.js';

const clock = new FakeClock(new Date('2026-06-15T12:00:00.000Z'));
const settings: GenerationSettings = { chunkSize: 250, timeBudgetMs: 60_000 };

let brandCounter = 0;
const freshBrand = () => `brand-${process.pid}-${++brandCounter}`;

/**
 * The protocol over the Cosmos adapter, and the use cases, against the embedded Cosmos server. Several
 * protocol instances on one container stand for several Functions instances: nothing they share but the store.
 */
describe('discount codes on Cosmos DB', () => {
  let cosmos: LocalCosmos;
  let container: Container;
  /** Five "processes". */
  let stores: DiscountCodeProtocol[];
  const store = () => stores[0]!;

  const generate = (brandId: string, count: number, options: { key?: string; codes?: DiscountCodes; random?: RandomSource; chunkSize?: number } = {}) =>
    generateDiscountCodes(
      { codes: options.codes ?? store(), random: options.random ?? cryptoRandom, clock, settings: { ...settings, chunkSize: options.chunkSize ?? settings.chunkSize } },
      { brandId, count, ...(options.key ? { idempotencyKey: options.key } : {}) },
    );

  /** The counts a finished or paused generation reports. */
  const countsOf = (result: Awaited<ReturnType<typeof generate>>) => {
    if (result.status === 'key-reused' || result.status === 'invalid-terms') throw new Error(`generation refused: ${result.status}`);
    return result.counts;
  };

  /** Every code document of a brand, by point reads (the embedded server's queries scan the whole container). */
  const storedCodes = async (brandId: string) => {
    const generated = (await store().counts(brandId))?.generated ?? 0;
    const codes: Array<{ code: string; seq: number }> = [];
    for (let from = 0; from < generated; from += 100) {
      const reads = await container.items.bulk(
        Array.from({ length: Math.min(100, generated - from) }, (_, i) => ({ operationType: 'Read' as const, id: `code-${from + i}`, partitionKey: brandId })),
      );
      for (const read of reads) codes.push(read.resourceBody as unknown as { code: string; seq: number });
    }
    return codes;
  };

  beforeAll(async () => {
    cosmos = await startLocalCosmos();
    const settings = cosmos.settingsFor();
    const client = createCosmosClient(settings);
    container = await openDiscountCodesContainer(client, settings, `discountCodes_${process.pid}`);
    stores = Array.from({ length: 5 }, () => new DiscountCodeProtocol(new CosmosConditionalDocuments(container), clock, cryptoRandom));
  });
  afterAll(async () => cosmos?.stop());

  describe('codes', () => {
    it('are 10 symbols without look-alikes, uniformly drawn', () => {
      const codes = newDiscountCodes(cryptoRandom, 20_000);
      expect(new Set(codes).size).toBe(codes.length);
      for (const code of codes) expect(code).toMatch(/^[2-9A-HJKMNP-Z]{10}$/);
      expect(CODE_ALPHABET).not.toMatch(/[01OIL]/);
      const tally = new Map<string, number>();
      for (const symbol of codes.join('')) tally.set(symbol, (tally.get(symbol) ?? 0) + 1);
      const expected = (codes.length * CODE_LENGTH) / CODE_ALPHABET.length;
      for (const symbol of CODE_ALPHABET) expect(Math.abs((tally.get(symbol) ?? 0) - expected) / expected).toBeLessThan(0.1);
    });

    it('normalizes case and refuses impossible codes', () => {
      expect(normalizeDiscountCode(' abcdefgh23 ')).toBe('ABCDEFGH23');
      for (const bad of ['ABCDEFGH2', 'ABCDEFGH234', 'ABCDEFGH2O', 'ABCDEFGH21', 'ABCDEFGHIL', 'ABCD-EFGH2', '']) expect(normalizeDiscountCode(bad)).toBeUndefined();
    });
  });

  describe('generation', () => {
    it('writes exactly the count in chunks, codes unique, and counts them', async () => {
      const brandId = freshBrand();
      const result = await generate(brandId, 1234);
      expect(result).toMatchObject({ status: 'complete', counts: { brandId, generated: 1234, claimed: 0, redeemed: 0, available: 1234 } });
      const codes = await storedCodes(brandId);
      expect(codes).toHaveLength(1234);
      expect(new Set(codes.map((c) => c.code)).size).toBe(1234);
      expect(codes.map((c) => c.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: 1234 }, (_, i) => i));
      const more = await generate(brandId, 10);
      expect(countsOf(more)).toMatchObject({ generated: 1244, available: 1244 });
    });

    it('detects a code another brand holds, in the store, and draws a new one', async () => {
      const [first, second] = [freshBrand(), freshBrand()];
      await generate(first, 5);
      const taken = (await storedCodes(first))[0]!.code;
      // A random source that first spells out the taken code, then is random.
      const bytesOf = (code: string) => [...code].map((symbol) => CODE_ALPHABET.indexOf(symbol));
      let replayed = false;
      const colliding: RandomSource = {
        bytes(count) {
          const bytes = cryptoRandom.bytes(count);
          if (!replayed) {
            bytes.set(bytesOf(taken));
            replayed = true;
          }
          return bytes;
        },
      };
      const result = await generate(second, 3, { random: colliding });
      expect(countsOf(result).generated).toBe(3);
      const codes = (await storedCodes(second)).map((c) => c.code);
      expect(codes).toHaveLength(3);
      expect(codes).not.toContain(taken);
      expect(replayed).toBe(true);
    });

    it('completes a batch interrupted after k chunks when repeated with its Idempotency-Key, to the exact count', async () => {
      const brandId = freshBrand();
      const crashing = crashAfter(store(), 'fillChunk', 3);
      await expect(generate(brandId, 1000, { key: 'batch-1', codes: crashing, chunkSize: 100 })).rejects.toSatisfy(isInjectedCrash);
      expect((await store().counts(brandId))?.generated).toBe(300);
      const repeated = await generate(brandId, 1000, { key: 'batch-1', codes: stores[1]!, chunkSize: 100 });
      expect(repeated).toMatchObject({ status: 'complete', counts: { generated: 1000 } });
      // Once complete, the same key changes nothing.
      expect(countsOf(await generate(brandId, 1000, { key: 'batch-1', codes: stores[2]! })).generated).toBe(1000);
      expect(await storedCodes(brandId)).toHaveLength(1000);
    });

    it('completes a batch interrupted inside a chunk (codes registered, not stored) to the exact count', async () => {
      const brandId = freshBrand();
      const crashing = crashAfter(store(), 'reserveCodes', 2);
      await expect(generate(brandId, 450, { key: 'k', codes: crashing, chunkSize: 200 })).rejects.toSatisfy(isInjectedCrash);
      expect((await store().counts(brandId))?.generated).toBe(200);
      expect(countsOf(await generate(brandId, 450, { key: 'k' })).generated).toBe(450);
      const codes = await storedCodes(brandId);
      expect(codes).toHaveLength(450);
      expect(new Set(codes.map((c) => c.code)).size).toBe(450);
    });

    it('lets the next request finish a batch its caller abandoned, then adds its own', async () => {
      const brandId = freshBrand();
      await expect(generate(brandId, 500, { key: 'abandoned', codes: crashAfter(store(), 'fillChunk', 1), chunkSize: 100 })).rejects.toSatisfy(isInjectedCrash);
      expect(countsOf(await generate(brandId, 50, { key: 'next' })).generated).toBe(550);
      // The abandoned request's repeat finds it done.
      expect(await generate(brandId, 500, { key: 'abandoned' })).toMatchObject({ status: 'complete', counts: { generated: 550 } });
    });

    it('gives concurrent repeats of one request the count once', async () => {
      const brandId = freshBrand();
      const results = await Promise.all(stores.map((codes) => generate(brandId, 700, { key: 'same', codes, chunkSize: 100 })));
      for (const result of results) expect(result.status).toBe('complete');
      expect((await store().counts(brandId))?.generated).toBe(700);
      const codes = await storedCodes(brandId);
      expect(codes).toHaveLength(700);
      expect(new Set(codes.map((c) => c.code)).size).toBe(700);
    });

    it('refuses an Idempotency-Key reused with another count, writing nothing', async () => {
      const brandId = freshBrand();
      await generate(brandId, 20, { key: 'once' });
      expect(await generate(brandId, 21, { key: 'once' })).toMatchObject({ status: 'key-reused', requested: 20 });
      expect((await store().counts(brandId))?.generated).toBe(20);
    });

    it('stops at the time budget and is continued by a repeat', async () => {
      const brandId = freshBrand();
      const ticking = { now: () => new Date((ticks += 1000)) };
      let ticks = 0;
      const partial = await generateDiscountCodes(
        { codes: store(), random: cryptoRandom, clock: ticking, settings: { chunkSize: 100, timeBudgetMs: 2500 } },
        { brandId, count: 1000 },
      );
      expect(partial.status).toBe('in-progress');
      expect(partial.status === 'in-progress' && partial.counts.generated).toBe(200);
      const done = await generate(brandId, 1000, { key: partial.status === 'in-progress' ? partial.batchKey : '' });
      expect(done).toMatchObject({ status: 'complete', counts: { generated: 1000 } });
    });
  });

  describe('claims', () => {
    it('hands a pool of 10 to exactly 10 of 50 concurrent customers across five instances', async () => {
      const brandId = freshBrand();
      await generate(brandId, 10);
      const outcomes = await Promise.all(Array.from({ length: 50 }, (_, i) => stores[i % stores.length]!.claim(brandId, 1000 + i)));
      const winners = outcomes.filter((o) => o.status === 'claimed');
      expect(winners).toHaveLength(10);
      expect(outcomes.filter((o) => o.status === 'none-left')).toHaveLength(40);
      const codes = winners.map((o) => (o.status === 'claimed' ? o.code : ''));
      expect(new Set(codes).size).toBe(10);
      expect(new Set(codes)).toEqual(new Set((await storedCodes(brandId)).map((c) => c.code)));
      expect(await store().counts(brandId)).toEqual({ brandId, generated: 10, claimed: 10, redeemed: 0, available: 0 });
    });

    it('gives one customer one code under 20 concurrent requests: one 201, the rest the same code', async () => {
      const brandId = freshBrand();
      await generate(brandId, 100);
      const outcomes = await Promise.all(Array.from({ length: 20 }, (_, i) => stores[i % stores.length]!.claim(brandId, 7)));
      const codes = new Set(outcomes.map((o) => ('code' in o ? o.code : undefined)));
      expect(codes.size).toBe(1);
      expect(outcomes.filter((o) => o.status === 'claimed')).toHaveLength(1);
      expect(outcomes.filter((o) => o.status === 'already-claimed')).toHaveLength(19);
      expect((await store().counts(brandId))?.claimed).toBe(1);
      expect(await store().claim(brandId, 7)).toEqual({ status: 'already-claimed', code: [...codes][0] });
    });

    it('never gives one code twice nor a customer two codes when many customers repeat concurrently', async () => {
      const brandId = freshBrand();
      await generate(brandId, 3 * CLAIM_SHARDS + 5);
      const customers = Array.from({ length: 150 }, (_, i) => 5000 + i);
      const outcomes = await Promise.all(
        [...customers, ...customers].map((customerId, i) => stores[i % stores.length]!.claim(brandId, customerId).then((o) => ({ customerId, o }))),
      );
      const byCustomer = new Map<number, Set<string>>();
      for (const { customerId, o } of outcomes) {
        expect(o.status === 'claimed' || o.status === 'already-claimed').toBe(true);
        if ('code' in o) byCustomer.set(customerId, (byCustomer.get(customerId) ?? new Set()).add(o.code));
      }
      for (const codes of byCustomer.values()) expect(codes.size).toBe(1);
      const handed = [...byCustomer.values()].map((codes) => [...codes][0]);
      expect(new Set(handed).size).toBe(150);
      expect(await store().counts(brandId)).toMatchObject({ generated: 3 * CLAIM_SHARDS + 5, claimed: 150, available: 3 * CLAIM_SHARDS + 5 - 150 });
    });

    it('answers unknown brands, and none left once all are claimed, then claims again after more are generated', async () => {
      expect(await store().claim(freshBrand(), 1)).toEqual({ status: 'unknown-brand' });
      const brandId = freshBrand();
      await generate(brandId, 1);
      expect((await store().claim(brandId, 1)).status).toBe('claimed');
      expect(await stores[1]!.claim(brandId, 2)).toEqual({ status: 'none-left' });
      await generate(brandId, 1);
      // Instance 1 believes the brand exhausted; it checks the store before saying so.
      expect((await stores[1]!.claim(brandId, 2)).status).toBe('claimed');
    });

    it('repairs a claim whose request died after naming its code, and one that died after taking it', async () => {
      const brandId = freshBrand();
      await generate(brandId, 5);
      // Died after naming code 0 in the claim, before taking it.
      await container.items.create({ id: 'claim-41', brandId, customerId: 41, seq: 0 });
      const first = await stores[3]!.claim(brandId, 41);
      expect(first.status).toBe('claimed');
      // Died after taking code 1, before writing it into the claim.
      await container.items.create({ id: 'claim-42', brandId, customerId: 42, seq: 1 });
      await container.items.create({ id: 'taken-1', brandId, seq: 1, customerId: 42, takenAt: clock.now().toISOString() });
      const second = await stores[4]!.claim(brandId, 42);
      const codes = await storedCodes(brandId);
      const codeAt = (seq: number) => codes.find((c) => c.seq === seq)!.code;
      expect(first).toEqual({ status: 'claimed', code: codeAt(0) });
      expect(second).toEqual({ status: 'claimed', code: codeAt(1) });
      expect(await store().counts(brandId)).toMatchObject({ claimed: 2, available: 3 });
      // A claim that died after naming a code someone else then took moves on to another code.
      await container.items.create({ id: 'claim-43', brandId, customerId: 43, seq: 1 });
      const third = await store().claim(brandId, 43);
      expect(third.status).toBe('claimed');
      expect('code' in third && [codeAt(0), codeAt(1)]).not.toContain('code' in third && third.code);
      expect(await store().counts(brandId)).toMatchObject({ claimed: 3, available: 2 });
    });
  });

  describe('redemption', () => {
    it('redeems a claimed code once, whatever the case, under concurrency; refuses unclaimed and unknown codes', async () => {
      const brandId = freshBrand();
      await generate(brandId, 3);
      const claimed = await store().claim(brandId, 9);
      const code = claimed.status === 'claimed' ? claimed.code : '';
      const outcomes = await Promise.all(Array.from({ length: 20 }, (_, i) => stores[i % stores.length]!.redeem(code)));
      expect(outcomes.filter((o) => o.status === 'redeemed')).toEqual([{ status: 'redeemed', brandId, code }]);
      expect(outcomes.filter((o) => o.status === 'already-redeemed')).toHaveLength(19);
      const unclaimed = (await storedCodes(brandId)).map((c) => c.code).find((c) => c !== code)!;
      expect(await store().redeem(unclaimed)).toEqual({ status: 'not-claimed', brandId });
      expect(await store().redeem('ZZZZZZZZZZ')).toEqual({ status: 'unknown-code' });
      expect(await store().counts(brandId)).toEqual({ brandId, generated: 3, claimed: 1, redeemed: 1, available: 2 });
    });
  });
});
