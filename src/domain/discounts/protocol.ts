import type { Clock } from '../shared/ports.js';
import { BrandViews } from './brandViews.js';
import { ShardedClaims } from './claims.js';
import {
  batchId,
  BRAND_ID,
  codeId,
  codePartition,
  redeemedId,
  takenId,
  type BatchDoc,
  type BrandDoc,
  type CodeDoc,
  type CodeIndexDoc,
  type RedeemedDoc,
  type TakenDoc,
} from './documents.js';
import type {
  ClaimOutcome,
  CodeLookup,
  CodeTerms,
  ConditionalDocuments,
  DiscountCodeCounts,
  DiscountCodes,
  GenerationChunk,
  GenerationStart,
  RandomSource,
  RedeemOutcome,
  Versioned,
} from './ports.js';

/** Each failed attempt is a write to the brand document another request won; this many in a row means a storm. */
const MAX_BRAND_ATTEMPTS = 50;

/**
 * Discount codes over conditional documents, by point reads and conditional writes only (no
 * query: a store's queries scan). One instance per process: it keeps what it learns of brands'
 * claim state (ShardedClaims), and several processes on one store keep the rules between them.
 */
export class DiscountCodeProtocol implements DiscountCodes {
  private readonly claims: ShardedClaims;

  constructor(
    private readonly documents: ConditionalDocuments,
    private readonly clock: Clock,
    random: RandomSource,
  ) {
    this.claims = new ShardedClaims(documents, new BrandViews(documents), clock, random);
  }

  async startGeneration(brandId: string, batchKey: string, count: number, terms?: CodeTerms): Promise<GenerationStart> {
    await this.documents.createIfAbsent({ id: BRAND_ID, brandId, generated: 0, redeemed: 0, open: null } satisfies BrandDoc);
    const fresh: BatchDoc = { id: batchId(batchKey), brandId, requested: count, completed: false, ...(terms ? { terms } : {}) };
    if (await this.documents.createIfAbsent(fresh)) return { status: 'open' };
    const batch = await this.documents.read<BatchDoc>(brandId, batchId(batchKey));
    if (!batch) throw new Error(`generation batch of brand ${brandId} vanished`);
    // The same key for other terms is another request too.
    if (batch.document.requested !== count || JSON.stringify(batch.document.terms ?? null) !== JSON.stringify(terms ?? null)) {
      return { status: 'key-reused', requested: batch.document.requested };
    }
    return { status: batch.document.completed ? 'completed' : 'open' };
  }

  async nextGenerationChunk(brandId: string, batchKey: string, maxSize: number): Promise<GenerationChunk | undefined> {
    for (let attempt = 1; attempt <= MAX_BRAND_ATTEMPTS; attempt++) {
      const { document: brand, version } = await this.readBrand(brandId);
      if (brand.open) {
        const end = brand.open.from + brand.open.target;
        if (brand.generated < end) {
          const open = await this.documents.read<BatchDoc>(brandId, brand.open.batch);
          const terms = open?.document.terms;
          return { from: brand.generated, size: Math.min(maxSize, end - brand.generated), ...(terms ? { terms } : {}) };
        }
        // Written in full: its request record is completed first, so a crash before the brand
        // lets go of it only means the next caller closes it again.
        await this.completeBatch(brandId, brand.open.batch);
        await this.documents.replaceIfMatch({ ...brand, open: null }, version);
        continue;
      }
      const batch = await this.documents.read<BatchDoc>(brandId, batchId(batchKey));
      if (!batch) throw new Error(`generation batch of brand ${brandId} is missing: call startGeneration first`);
      if (batch.document.completed) return undefined;
      await this.documents.replaceIfMatch({ ...brand, open: { batch: batch.document.id, from: brand.generated, target: batch.document.requested } }, version);
    }
    throw new Error(`the brand document of ${brandId} kept changing while generating`);
  }

  async reserveCodes(brandId: string, entries: ReadonlyArray<{ seq: number; code: string }>): Promise<number[]> {
    const created = await this.documents.createManyIfAbsent(
      entries.map(({ seq, code }) => ({ id: code, brandId: codePartition(code), brand: brandId, seq }) satisfies CodeIndexDoc),
    );
    return created.flatMap((isNew, index) => (isNew ? [] : [index]));
  }

  async fillChunk(brandId: string, chunk: GenerationChunk, codes: readonly string[]): Promise<void> {
    // A number another request filled first keeps its code; this one's code stays unused in the index.
    const terms = chunk.terms ? { terms: chunk.terms } : {};
    await this.documents.createManyIfAbsent(codes.map((code, index) => ({ id: codeId(chunk.from + index), brandId, seq: chunk.from + index, code, ...terms }) satisfies CodeDoc));
    const end = chunk.from + chunk.size;
    for (let attempt = 1; attempt <= MAX_BRAND_ATTEMPTS; attempt++) {
      const { document: brand, version } = await this.readBrand(brandId);
      if (brand.generated >= end) return;
      if (brand.generated < chunk.from) throw new Error(`codes ${chunk.from}.. of brand ${brandId} were written past the generated ones (${brand.generated})`);
      if (await this.documents.replaceIfMatch({ ...brand, generated: end }, version)) return;
    }
    throw new Error(`the brand document of ${brandId} kept changing while generating`);
  }

  counts(brandId: string): Promise<DiscountCodeCounts | undefined> {
    return this.claims.counts(brandId);
  }

  claim(brandId: string, customerId: number): Promise<ClaimOutcome> {
    return this.claims.claim(brandId, customerId);
  }

  async redeem(code: string): Promise<RedeemOutcome> {
    const found = await this.find(code);
    if (!found) return { status: 'unknown-code' };
    const { brandId, seq, stored, taken, redeemed: done } = found;
    if (done) return { status: 'already-redeemed', brandId };
    const expiresAt = stored.terms?.expiresAt;
    if (expiresAt !== undefined && this.clock.now().getTime() >= Date.parse(expiresAt)) return { status: 'expired', brandId, expiresAt };
    if (!taken) return { status: 'not-claimed', brandId };
    const redeemed: RedeemedDoc = { id: redeemedId(seq), brandId, seq, redeemedAt: this.clock.now().toISOString() };
    if (!(await this.documents.createIfAbsent(redeemed))) return { status: 'already-redeemed', brandId };
    await this.countRedemption(brandId);
    return { status: 'redeemed', brandId, code };
  }

  async lookup(code: string): Promise<CodeLookup | undefined> {
    const found = await this.find(code);
    if (!found) return undefined;
    const { brandId, stored, taken, redeemed } = found;
    const terms = stored.terms ?? {};
    const expired = terms.expiresAt !== undefined && this.clock.now().getTime() >= Date.parse(terms.expiresAt);
    const state = redeemed ? 'redeemed' : expired ? 'expired' : taken ? 'claimed' : 'available';
    return { code, brandId, terms, state, customerId: taken?.customerId ?? null, claimedAt: taken?.takenAt ?? null, redeemedAt: redeemed?.redeemedAt ?? null };
  }

  /** The code's documents by point reads: its index entry, then its number's code, taken and redeemed documents. */
  private async find(code: string): Promise<{ brandId: string; seq: number; stored: CodeDoc; taken?: TakenDoc; redeemed?: RedeemedDoc } | undefined> {
    const index = await this.documents.read<CodeIndexDoc>(codePartition(code), code);
    if (!index) return undefined;
    const { brand: brandId, seq } = index.document;
    const [stored, taken, redeemed] = await this.documents.readMany<CodeDoc | TakenDoc | RedeemedDoc>(brandId, [codeId(seq), takenId(seq), redeemedId(seq)]);
    // An index entry whose number another request filled first names a code that was never stored.
    if (!stored || (stored.document as CodeDoc).code !== code) return undefined;
    return {
      brandId,
      seq,
      stored: stored.document as CodeDoc,
      ...(taken ? { taken: taken.document as TakenDoc } : {}),
      ...(redeemed ? { redeemed: redeemed.document as RedeemedDoc } : {}),
    };
  }

  /** Completion is a batch's only change, so losing the replace means another request completed it. */
  private async completeBatch(brandId: string, id: string): Promise<void> {
    const batch = await this.documents.read<BatchDoc>(brandId, id);
    if (!batch) throw new Error(`generation batch ${id} of brand ${brandId} vanished`);
    if (!batch.document.completed) await this.documents.replaceIfMatch({ ...batch.document, completed: true }, batch.version);
  }

  private async countRedemption(brandId: string): Promise<void> {
    for (let attempt = 1; attempt <= MAX_BRAND_ATTEMPTS; attempt++) {
      const { document: brand, version } = await this.readBrand(brandId);
      if (await this.documents.replaceIfMatch({ ...brand, redeemed: brand.redeemed + 1 }, version)) return;
    }
    throw new Error(`the brand document of ${brandId} kept changing while counting a redemption`);
  }

  private async readBrand(brandId: string): Promise<Versioned<BrandDoc>> {
    const brand = await this.documents.read<BrandDoc>(brandId, BRAND_ID);
    if (!brand) throw new Error(`brand ${brandId} has no brand document: call startGeneration first`);
    return brand;
  }
}
