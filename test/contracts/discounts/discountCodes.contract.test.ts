import { expect, it } from 'vitest';
import { createCosmosClient, openDiscountCodesContainer } from '../../../src/adapters/cosmos/client.js';
import { CosmosConditionalDocuments } from '../../../src/adapters/cosmos/conditionalDocuments.js';
import { generateDiscountCodes } from '../../../src/domain/discounts/discountCodes.js';
import { codeId, type CodeDoc } from '../../../src/domain/discounts/documents.js';
import type { ClaimOutcome, ConditionalDocuments } from '../../../src/domain/discounts/ports.js';
import { DiscountCodeProtocol } from '../../../src/domain/discounts/protocol.js';
import { startLocalCosmos } from '../../kit/cosmos.js';
import { FakeClock } from '../../kit/clock.js';
import { crashAfter, isInjectedCrash } from '../../kit/crash.js';
import { seededRandomSource } from '../../kit/seededRandom.js';
import { fakeImplementation, describeContract, type Implementation } from '../harness.js';
import { FakeConditionalDocuments } from './conditionalDocuments.fake.js';

const SEED = 20261207;
const clock = new FakeClock(new Date('2026-12-07T12:00:00.000Z'));

interface DiscountStore {
  documents: ConditionalDocuments;
  /** Three protocol instances on the one store, as three Functions instances: nothing shared but the store. */
  processes: DiscountCodeProtocol[];
}

const protocolsOver = (documentsOfProcess: (process: number) => ConditionalDocuments): DiscountStore => ({
  documents: documentsOfProcess(0),
  processes: [0, 1, 2].map((process) => new DiscountCodeProtocol(documentsOfProcess(process), clock, seededRandomSource(SEED + process))),
});

const cosmosStore: Implementation<DiscountStore> = {
  name: 'Cosmos',
  async start() {
    const cosmos = await startLocalCosmos();
    const settings = cosmos.settingsFor();
    const client = createCosmosClient(settings);
    let containers = 0;
    return {
      async fresh() {
        const container = await openDiscountCodesContainer(client, settings, `discountCodes_contract_${process.pid}_${++containers}`);
        return protocolsOver(() => new CosmosConditionalDocuments(container));
      },
      async stop() {
        client.dispose();
        await cosmos.stop();
      },
    };
  },
};

describeContract<DiscountStore>(
  'Discount codes over ConditionalDocuments',
  [
    fakeImplementation(() => {
      const documents = new FakeConditionalDocuments();
      return protocolsOver(() => documents);
    }),
    cosmosStore,
  ],
  (subject) => {
    const generate = (brandId: string, count: number, key?: string) =>
      generateDiscountCodes(
        { codes: subject().processes[0]!, random: seededRandomSource(SEED), clock, settings: { chunkSize: 100, timeBudgetMs: 60_000 } },
        { brandId, count, ...(key ? { idempotencyKey: key } : {}) },
      );
    const storedCodes = async (brandId: string, count: number) =>
      (await subject().documents.readMany<CodeDoc>(brandId, Array.from({ length: count }, (_, seq) => codeId(seq)))).map((read) => read?.document);
    const codeOf = (outcome: ClaimOutcome) => ('code' in outcome ? outcome.code : undefined);

    it('creates a document once, returns it as written with a version, and replaces it only over that version', async () => {
      const { documents } = subject();
      const version = await documents.createIfAbsent({ id: 'a', brandId: 'p', value: 1 });
      expect(version).toEqual(expect.any(String));
      expect(await documents.createIfAbsent({ id: 'a', brandId: 'p', value: 2 })).toBeUndefined();
      expect(await documents.read('p', 'a')).toEqual({ document: { id: 'a', brandId: 'p', value: 1 }, version });
      const replaced = await documents.replaceIfMatch({ id: 'a', brandId: 'p', value: 3 }, version!);
      expect(replaced).toEqual(expect.any(String));
      expect(replaced).not.toBe(version);
      expect(await documents.replaceIfMatch({ id: 'a', brandId: 'p', value: 4 }, version!)).toBeUndefined();
      expect(await documents.read('p', 'a')).toEqual({ document: { id: 'a', brandId: 'p', value: 3 }, version: replaced });
      expect(await documents.read('p', 'missing')).toBeUndefined();
    });

    it('creates many across partitions, saying which existed, and reads many of one partition in order', async () => {
      const { documents } = subject();
      await documents.createIfAbsent({ id: 'b', brandId: 'p', n: 0 });
      expect(await documents.createManyIfAbsent([{ id: 'a', brandId: 'p', n: 1 }, { id: 'b', brandId: 'p', n: 2 }, { id: 'b', brandId: 'q', n: 3 }])).toEqual([true, false, true]);
      const reads = await documents.readMany<{ id: string; brandId: string; n: number }>('p', ['b', 'missing', 'a']);
      expect(reads.map((read) => read?.document)).toEqual([{ id: 'b', brandId: 'p', n: 0 }, undefined, { id: 'a', brandId: 'p', n: 1 }]);
      expect(reads[0]?.version).toEqual(expect.any(String));
    });

    it('generates exactly the count once per Idempotency-Key, codes unique, and refuses the key for another count', async () => {
      expect(await generate('acme', 250, 'first')).toMatchObject({ status: 'complete', counts: { brandId: 'acme', generated: 250, claimed: 0, redeemed: 0, available: 250 } });
      expect(await generate('acme', 250, 'first')).toMatchObject({ status: 'complete', counts: { generated: 250 } });
      expect(await generate('acme', 251, 'first')).toMatchObject({ status: 'key-reused', requested: 250 });
      const codes = await storedCodes('acme', 250);
      expect(codes.map((code) => code?.seq)).toEqual(Array.from({ length: 250 }, (_, seq) => seq));
      expect(new Set(codes.map((code) => code?.code)).size).toBe(250);
      expect(await generate('acme', 5, 'second')).toMatchObject({ status: 'complete', counts: { generated: 255 } });
    });

    it('races 25 customers, each asking twice through three processes, over 10 codes: no code to two customers, no customer two codes', async () => {
      await generate('pool', 10);
      const customers = Array.from({ length: 25 }, (_, i) => 100 + i);
      const { processes } = subject();
      const outcomes = await Promise.all(
        [...customers, ...customers].map(async (customerId, i) => ({ customerId, outcome: await processes[i % processes.length]!.claim('pool', customerId) })),
      );
      const codesByCustomer = new Map<number, Set<string>>();
      for (const { customerId, outcome } of outcomes) {
        expect(['claimed', 'already-claimed', 'none-left']).toContain(outcome.status);
        const code = codeOf(outcome);
        if (code) codesByCustomer.set(customerId, (codesByCustomer.get(customerId) ?? new Set()).add(code));
      }
      for (const codes of codesByCustomer.values()) expect(codes.size).toBe(1);
      const handed = [...codesByCustomer.values()].map((codes) => [...codes][0]);
      expect(handed).toHaveLength(10);
      expect(new Set(handed)).toEqual(new Set((await storedCodes('pool', 10)).map((code) => code?.code)));
      expect(outcomes.filter(({ outcome }) => outcome.status === 'claimed')).toHaveLength(10);
      expect(await processes[1]!.counts('pool')).toEqual({ brandId: 'pool', generated: 10, claimed: 10, redeemed: 0, available: 0 });
    });

    it('gives one customer one code under 12 concurrent requests, and the same code afterwards', async () => {
      await generate('solo', 100);
      const { processes } = subject();
      const outcomes = await Promise.all(Array.from({ length: 12 }, (_, i) => processes[i % processes.length]!.claim('solo', 7)));
      expect(new Set(outcomes.map(codeOf)).size).toBe(1);
      expect(outcomes.filter((outcome) => outcome.status === 'claimed')).toHaveLength(1);
      expect(await processes[2]!.claim('solo', 7)).toEqual({ status: 'already-claimed', code: codeOf(outcomes[0]!) });
      expect(await processes[0]!.counts('solo')).toMatchObject({ claimed: 1, available: 99 });
    });

    it('answers an unknown brand, and none left until more codes are generated', async () => {
      const { processes } = subject();
      expect(await processes[0]!.claim('nobody', 1)).toEqual({ status: 'unknown-brand' });
      expect(await processes[0]!.counts('nobody')).toBeUndefined();
      await generate('scarce', 1, 'one');
      expect((await processes[0]!.claim('scarce', 1)).status).toBe('claimed');
      expect(await processes[1]!.claim('scarce', 2)).toEqual({ status: 'none-left' });
      await generate('scarce', 1, 'another');
      expect((await processes[1]!.claim('scarce', 2)).status).toBe('claimed');
    });

    it('completes a generation interrupted after a step when another process repeats it with its Idempotency-Key', async () => {
      const { processes } = subject();
      const crashing = crashAfter(processes[0]!, 'fillChunk', 2);
      await expect(
        generateDiscountCodes({ codes: crashing, random: seededRandomSource(SEED), clock, settings: { chunkSize: 100, timeBudgetMs: 60_000 } }, { brandId: 'halted', count: 450, idempotencyKey: 'k' }),
      ).rejects.toSatisfy(isInjectedCrash);
      expect((await processes[1]!.counts('halted'))?.generated).toBe(200);
      const repeated = await generateDiscountCodes(
        { codes: processes[1]!, random: seededRandomSource(SEED + 1), clock, settings: { chunkSize: 100, timeBudgetMs: 60_000 } },
        { brandId: 'halted', count: 450, idempotencyKey: 'k' },
      );
      expect(repeated).toMatchObject({ status: 'complete', counts: { generated: 450 } });
      expect(new Set((await storedCodes('halted', 450)).map((code) => code?.code)).size).toBe(450);
    });

    it('completes a claim whose request died after naming its code, and one that died after taking it', async () => {
      await generate('repaired', 5);
      const { documents, processes } = subject();
      await documents.createIfAbsent({ id: 'claim-41', brandId: 'repaired', customerId: 41, seq: 0 });
      await documents.createIfAbsent({ id: 'claim-42', brandId: 'repaired', customerId: 42, seq: 1 });
      await documents.createIfAbsent({ id: 'taken-1', brandId: 'repaired', seq: 1, customerId: 42, takenAt: clock.now().toISOString() });
      const codes = (await storedCodes('repaired', 5)).map((code) => code?.code);
      expect(await processes[1]!.claim('repaired', 41)).toEqual({ status: 'claimed', code: codes[0] });
      expect(await processes[2]!.claim('repaired', 42)).toEqual({ status: 'claimed', code: codes[1] });
      expect(await processes[0]!.counts('repaired')).toMatchObject({ claimed: 2, available: 3 });
    });

    it('redeems a claimed code once under concurrency; refuses unclaimed and unknown codes', async () => {
      await generate('shop', 3);
      const { processes } = subject();
      const code = codeOf(await processes[0]!.claim('shop', 9))!;
      const outcomes = await Promise.all(Array.from({ length: 10 }, (_, i) => processes[i % processes.length]!.redeem(code)));
      expect(outcomes.filter((outcome) => outcome.status === 'redeemed')).toEqual([{ status: 'redeemed', brandId: 'shop', code }]);
      expect(outcomes.filter((outcome) => outcome.status === 'already-redeemed')).toHaveLength(9);
      const unclaimed = (await storedCodes('shop', 3)).map((stored) => stored?.code).find((stored) => stored !== code)!;
      expect(await processes[1]!.redeem(unclaimed)).toEqual({ status: 'not-claimed', brandId: 'shop' });
      expect(await processes[1]!.redeem('ZZZZZZZZZZ')).toEqual({ status: 'unknown-code' });
      expect(await processes[2]!.counts('shop')).toEqual({ brandId: 'shop', generated: 3, claimed: 1, redeemed: 1, available: 2 });
    });

    it("keeps a batch's value and expiry on its codes, refuses an expired code at redemption and says so, and looks codes up by point reads", async () => {
      const { processes } = subject();
      const terms = { value: { kind: 'amount' as const, amount: '5.00', currency: 'GBP' }, expiresAt: '2026-12-31T23:59:59.000Z' };
      const settings = { chunkSize: 2, timeBudgetMs: 60_000 };
      const dated = await generateDiscountCodes({ codes: processes[0]!, random: seededRandomSource(SEED), clock, settings }, { brandId: 'terms', count: 3, idempotencyKey: 'dated', terms });
      expect(dated.status).toBe('complete');
      // The same key for other terms is another request; an expiry in the past is refused before anything is written.
      expect(await processes[1]!.startGeneration('terms', 'dated', 3, { ...terms, expiresAt: '2027-01-31T00:00:00.000Z' })).toEqual({ status: 'key-reused', requested: 3 });
      expect(await generateDiscountCodes({ codes: processes[0]!, random: seededRandomSource(SEED), clock, settings }, { brandId: 'terms', count: 1, terms: { expiresAt: '2026-12-07T11:59:59.000Z' } })).toMatchObject({ status: 'invalid-terms' });
      expect(await generateDiscountCodes({ codes: processes[0]!, random: seededRandomSource(SEED + 1), clock, settings }, { brandId: 'terms', count: 1, idempotencyKey: 'plain' })).toMatchObject({ status: 'complete' });
      const codes = (await storedCodes('terms', 4)).map((stored) => stored!);
      expect(codes.slice(0, 3).every((stored) => JSON.stringify(stored.terms) === JSON.stringify(terms))).toBe(true);
      expect(codes[3]!.terms).toBeUndefined();

      const held = codeOf(await processes[0]!.claim('terms', 7))!;
      expect(await processes[1]!.lookup(held)).toEqual({ code: held, brandId: 'terms', terms, state: 'claimed', customerId: 7, claimedAt: expect.any(String), redeemedAt: null });
      expect(await processes[1]!.lookup('ZZZZZZZZZZ')).toBeUndefined();
      const later = new DiscountCodeProtocol(subject().documents, new FakeClock(new Date('2027-01-01T00:00:00.000Z')), seededRandomSource(SEED));
      expect(await later.redeem(held)).toEqual({ status: 'expired', brandId: 'terms', expiresAt: terms.expiresAt });
      expect(await later.lookup(held)).toMatchObject({ state: 'expired', customerId: 7 });
      // A code without terms never expires; before its expiry a dated code redeems as always.
      const plain = codes[3]!.code;
      expect(await later.lookup(plain)).toMatchObject({ state: 'available', terms: {}, customerId: null });
      expect(await processes[2]!.redeem(held)).toEqual({ status: 'redeemed', brandId: 'terms', code: held });
      expect(await later.lookup(held)).toMatchObject({ state: 'redeemed', redeemedAt: '2026-12-07T12:00:00.000Z' });
    });
  },
);
