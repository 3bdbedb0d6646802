import { expect, it } from 'vitest';
import { generateDiscountCodes } from '../../../src/domain/discounts/discountCodes.js';
import type { ClaimOutcome } from '../../../src/domain/discounts/ports.js';
import { DiscountCodeProtocol } from '../../../src/domain/discounts/protocol.js';
import { FakeClock } from '../../kit/clock.js';
import { seededRandomSource } from '../../kit/seededRandom.js';
import { describeContract, fakeImplementation } from '../harness.js';
import { FakeConditionalDocuments } from './conditionalDocuments.fake.js';
import { FakeDiscountCodes } from './discountCodes.fake.js';

/** A brand's codes to claim, however the implementation comes by them, and the claim the feedback reward makes. */
interface CodeClaims {
  /** Gives the brand `count` claimable codes. */
  stock(brandId: string, count: number): Promise<void>;
  claim(brandId: string, customerId: number): Promise<ClaimOutcome>;
}

const clock = new FakeClock(new Date('2026-12-08T12:00:00.000Z'));

/**
 * The claim that the feedback tests' FakeDiscountCodes stands in for, held to the discount-code
 * protocol's own answers (which discountCodes.contract.test.ts holds to Cosmos).
 */
describeContract<CodeClaims>(
  'Discount code claims (the feedback reward)',
  [
    fakeImplementation(() => {
      const codes = new FakeDiscountCodes();
      return {
        stock: async (brandId, count) => codes.add(brandId, Array.from({ length: count }, (_, i) => `${brandId.toUpperCase()}-${i}`)),
        claim: (brandId, customerId) => codes.claim(brandId, customerId),
      };
    }),
    {
      name: 'DiscountCodeProtocol',
      async start() {
        return {
          fresh: async () => {
            const protocol = new DiscountCodeProtocol(new FakeConditionalDocuments(), clock, seededRandomSource(20261208));
            return {
              async stock(brandId, count) {
                const deps = { codes: protocol, random: seededRandomSource(1), clock, settings: { chunkSize: 100, timeBudgetMs: 60_000 } };
                expect(await generateDiscountCodes(deps, { brandId, count })).toMatchObject({ status: 'complete' });
              },
              claim: (brandId, customerId) => protocol.claim(brandId, customerId),
            };
          },
        };
      },
    },
  ],
  (subject) => {
    it('gives a customer one code of a brand, the same one again on a repeat, until none is left', async () => {
      const claims = subject();
      await claims.stock('acme', 2);
      const first = await claims.claim('acme', 1);
      expect(first).toMatchObject({ status: 'claimed', code: expect.any(String) });
      expect(await claims.claim('acme', 1)).toEqual({ status: 'already-claimed', code: (first as { code: string }).code });
      const second = await claims.claim('acme', 2);
      expect(second).toMatchObject({ status: 'claimed' });
      expect((second as { code: string }).code).not.toBe((first as { code: string }).code);
      expect(await claims.claim('acme', 3)).toEqual({ status: 'none-left' });
    });

    it('knows no brand without codes', async () => {
      expect(await subject().claim('nobody', 1)).toEqual({ status: 'unknown-brand' });
    });
  },
);
