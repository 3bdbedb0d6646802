import type { Container, OperationInput, OperationResponse } from '@azure/cosmos';
import { createHash } from 'node:crypto';
import type {
  ClaimOutcome,
  DiscountCodeCounts,
  DiscountCodes,
  GenerationChunk,
  GenerationStart,
  RedeemOutcome,
} from '../../domain/discounts/ports.js';
import type { Clock } from '../../domain/shared/ports.js';
import { readItem, statusCode } from './client.js';

const NOT_FOUND = 404;
const CONFLICT = 409;
const PRECONDITION_FAILED = 412;
const BULK_CHUNK = 100;
/** Bulk requests in flight at once while generating. */
const BULK_PARALLEL = 8;
/**
 * A brand's codes are dealt round-robin into this many shards (code `seq` is in shard seq mod 64),
 * each with its own cursor, so concurrent claims spread over 64 documents instead of queueing on
 * one. Part of the stored layout: changing it needs a migration.
 */
export const CLAIM_SHARDS = 64;
/** Each attempt ends in a write some other claim won; a claim loses this many times only under a storm. */
const MAX_CLAIM_ATTEMPTS = 200;
const MAX_OPTIMISTIC_RETRIES = 50;
/** Codes of a shard read in one bulk request when a claim needs one. */
const CODE_READ_AHEAD = 32;

/**
 * Documents of the `discountCodes` container (partition key /brandId). In a brand's partition:
 * - `brand`: how many codes exist (`generated`, numbered 0..generated-1), how many were redeemed,
 *   and the generation being written (`open`);
 * - `batch-<hash of Idempotency-Key>`: one generation request;
 * - `code-<seq>`: the code numbered seq (never changed once written);
 * - `cursor-<shard>`: the shard's codes before `next` are all taken;
 * - `taken-<seq>`: code seq belongs to a customer (created once: the claim's atomic step);
 * - `claim-<customerId>`: the code the customer is getting (`seq`) and, once settled, has (`code`);
 * - `redeemed-<seq>`: code seq was redeemed (created once).
 * Each code also has an index document in a partition of its own (`code:<CODE>`), which makes
 * codes unique across brands and lets a redemption find the brand from the code alone.
 */
interface StoredDoc {
  id: string;
  brandId: string;
  _etag?: string;
}
interface BrandDoc extends StoredDoc {
  generated: number;
  redeemed: number;
  open: { batch: string; from: number; target: number } | null;
}
interface BatchDoc extends StoredDoc {
  requested: number;
  completed: boolean;
}
interface CodeDoc extends StoredDoc {
  seq: number;
  code: string;
}
interface CodeIndexDoc extends StoredDoc {
  brand: string;
  seq: number;
}
interface CursorDoc extends StoredDoc {
  next: number;
}
interface TakenDoc extends StoredDoc {
  seq: number;
  customerId: number;
  takenAt: string;
}
interface ClaimDoc extends StoredDoc {
  customerId: number;
  seq: number;
  code?: string;
}

const BRAND_ID = 'brand';
const batchId = (key: string) => `batch-${createHash('sha256').update(key).digest('hex')}`;
const codeId = (seq: number) => `code-${seq}`;
const cursorId = (shard: number) => `cursor-${shard}`;
const takenId = (seq: number) => `taken-${seq}`;
const claimId = (customerId: number) => `claim-${customerId}`;
const redeemedId = (seq: number) => `redeemed-${seq}`;
/** `:` cannot occur in a brand id, so a code's partition never meets a brand's. */
const codePartition = (code: string) => `code:${code}`;

/** The shard's cursor as this process last saw it (never ahead of the stored one: cursors only grow). */
interface CursorView {
  next: number;
  etag: string | undefined;
}

/** Claims of one shard in this process go one after another, so they do not race each other for the same code. */
interface Lane {
  waiting: number;
  tail: Promise<void>;
}

/** What this process knows of a brand's claim state; every decision is re-checked by a conditional write. */
interface BrandView {
  generated: number;
  cursors: CursorView[];
  lanes: Lane[];
  /** Codes read ahead of their claims, by seq (codes never change). */
  codes: Map<number, string>;
}

type ShardStep = { kind: 'taken'; claim: ClaimDoc } | { kind: 'exhausted' } | { kind: 'claim-changed' };

/** Codes in shard `shard` when `generated` exist: seq = shard, shard + 64, ... below generated. */
function shardSize(generated: number, shard: number): number {
  return generated > shard ? Math.ceil((generated - shard) / CLAIM_SHARDS) : 0;
}

/**
 * Discount codes in Cosmos DB, by point reads and writes only (no query: the store's queries scan).
 *
 * Claiming: a customer's claim document names the one code it may take (seq); the code is taken by
 * creating `taken-<seq>` (create-if-absent: exactly one creator wins), then the code is written into
 * the claim. A claim names a new code only by an ETag-conditional replace, and only after its code
 * went to someone else, so two concurrent requests of one customer take one code between them; a
 * crash at any step leaves a claim that the customer's next request completes.
 * Which code to try: shard cursors. A code is only taken at its shard's cursor (seq = shard +
 * 64 x next), and the cursor moves past a code only once it is taken, so every code before a
 * cursor is taken and at most the one at it is taken besides: `claimed` is exact from 64 cursors.
 */
export class CosmosDiscountCodes implements DiscountCodes {
  private readonly brands = new Map<string, BrandView>();
  private readonly firstLooks = new Map<string, Promise<BrandView | undefined>>();

  constructor(
    private readonly container: Container,
    private readonly clock: Clock,
  ) {}

  // ------------------------------------------------------------------------------------------
  // Generation

  async startGeneration(brandId: string, batchKey: string, count: number): Promise<GenerationStart> {
    await this.createIfAbsent<BrandDoc>({ id: BRAND_ID, brandId, generated: 0, redeemed: 0, open: null });
    const created = await this.createIfAbsent<BatchDoc>({ id: batchId(batchKey), brandId, requested: count, completed: false });
    if (created) return { status: 'open' };
    const batch = await this.read<BatchDoc>(brandId, batchId(batchKey));
    if (!batch) throw new Error(`generation batch of brand ${brandId} vanished`);
    if (batch.requested !== count) return { status: 'key-reused', requested: batch.requested };
    return { status: batch.completed ? 'completed' : 'open' };
  }

  async nextGenerationChunk(brandId: string, batchKey: string, maxSize: number): Promise<GenerationChunk | undefined> {
    for (let attempt = 1; attempt <= MAX_OPTIMISTIC_RETRIES; attempt++) {
      const brand = await this.readBrand(brandId);
      if (brand.open) {
        const end = brand.open.from + brand.open.target;
        if (brand.generated < end) return { from: brand.generated, size: Math.min(maxSize, end - brand.generated) };
        // Written in full: its request record is completed first, so a crash before the brand
        // lets go of it only means the next caller closes it again.
        await this.container.item(brand.open.batch, brandId).patch([{ op: 'set', path: '/completed', value: true }]);
        await this.replaceIfMatch<BrandDoc>({ ...brand, open: null });
        continue;
      }
      const batch = await this.read<BatchDoc>(brandId, batchId(batchKey));
      if (!batch) throw new Error(`generation batch of brand ${brandId} is missing: call startGeneration first`);
      if (batch.completed) return undefined;
      await this.replaceIfMatch<BrandDoc>({ ...brand, open: { batch: batch.id, from: brand.generated, target: batch.requested } });
    }
    throw new Error(`the brand document of ${brandId} kept changing while generating`);
  }

  async reserveCodes(brandId: string, entries: ReadonlyArray<{ seq: number; code: string }>): Promise<number[]> {
    const results = await this.bulk(
      entries.map(({ seq, code }) => ({
        operationType: 'Create',
        partitionKey: codePartition(code),
        resourceBody: { id: code, brandId: codePartition(code), brand: brandId, seq } satisfies CodeIndexDoc,
      })),
    );
    return failuresOf(results, 'reserve codes', CONFLICT);
  }

  async fillChunk(brandId: string, chunk: GenerationChunk, codes: readonly string[]): Promise<void> {
    // A number another request filled first keeps its code (409); this one's code stays unused in the index.
    const results = await this.bulk(
      codes.map((code, index) => ({
        operationType: 'Create',
        partitionKey: brandId,
        resourceBody: { id: codeId(chunk.from + index), brandId, seq: chunk.from + index, code } satisfies CodeDoc,
      })),
    );
    failuresOf(results, 'store codes', CONFLICT);
    const end = chunk.from + chunk.size;
    for (let attempt = 1; attempt <= MAX_OPTIMISTIC_RETRIES; attempt++) {
      const brand = await this.readBrand(brandId);
      if (brand.generated >= end) return;
      if (brand.generated < chunk.from) throw new Error(`codes ${chunk.from}.. of brand ${brandId} were written past the generated ones (${brand.generated})`);
      if (await this.replaceIfMatch<BrandDoc>({ ...brand, generated: end })) return;
    }
    throw new Error(`the brand document of ${brandId} kept changing while generating`);
  }

  // ------------------------------------------------------------------------------------------
  // Counts

  async counts(brandId: string): Promise<DiscountCodeCounts | undefined> {
    const brand = await this.refresh(brandId);
    if (!brand || brand.doc.generated === 0) return undefined;
    const { generated, redeemed } = brand.doc;
    // The code at each cursor may be taken already (its claim has not moved the cursor yet).
    const atCursors = brand.view.cursors
      .map((cursor, shard) => shard + CLAIM_SHARDS * cursor.next)
      .filter((seq) => seq < generated);
    const reads = await this.bulk(atCursors.map((seq) => ({ operationType: 'Read', id: takenId(seq), partitionKey: brandId })));
    failuresOf(reads, 'read taken codes', NOT_FOUND);
    const claimed = brand.view.cursors.reduce((sum, cursor) => sum + cursor.next, 0) + reads.filter((r) => r.statusCode < 400).length;
    return { brandId, generated, claimed, redeemed, available: generated - claimed };
  }

  // ------------------------------------------------------------------------------------------
  // Claims

  async claim(brandId: string, customerId: number): Promise<ClaimOutcome> {
    const brand = this.brands.get(brandId) ?? (await this.firstRefresh(brandId));
    if (!brand) return { status: 'unknown-brand' };
    // Most claims are a customer's first: creating the claim finds an earlier one (409) without reading first.
    let claim: ClaimDoc | undefined;
    let claimRead = false;
    for (let attempt = 1; attempt <= MAX_CLAIM_ATTEMPTS; attempt++) {
      if (claim?.code) return { status: 'already-claimed', code: claim.code };
      // A claim left by an earlier or concurrent request of the customer is completed first.
      let holding = claim && (await this.take(brandId, brand, claim.seq, customerId)) ? claim : undefined;
      if (!holding) {
        const step = await this.takeNextCode(brandId, brand, customerId, claim);
        if (step === 'none-left' && claimRead) return { status: 'none-left' };
        if (step !== 'none-left' && step.kind === 'taken') holding = step.claim;
      }
      if (holding) {
        const code = await this.codeAt(brandId, brand, holding.seq);
        // Settled by this request: 201; a concurrent request of the customer that settles first answers it instead.
        if (await this.replaceIfMatch<ClaimDoc>({ ...holding, code })) return { status: 'claimed', code };
      }
      claim = await this.read<ClaimDoc>(brandId, claimId(customerId));
      claimRead = true;
    }
    throw new Error(`claim of customer ${customerId} at brand ${brandId} lost ${MAX_CLAIM_ATTEMPTS} races in a row`);
  }

  /**
   * The code numbered seq. Claims in a shard go in order, so on a miss the shard's next codes are
   * read too, in one bulk request, and kept until claimed.
   */
  private async codeAt(brandId: string, brand: BrandView, seq: number): Promise<string> {
    const cached = brand.codes.get(seq);
    if (cached !== undefined) {
      brand.codes.delete(seq);
      return cached;
    }
    const ahead = Array.from({ length: CODE_READ_AHEAD }, (_, i) => seq + i * CLAIM_SHARDS).filter((next) => next === seq || next < brand.generated);
    const reads = await this.bulk(ahead.map((next) => ({ operationType: 'Read', id: codeId(next), partitionKey: brandId })));
    failuresOf(reads, 'read codes', NOT_FOUND);
    reads.forEach((read, i) => {
      const doc = read.resourceBody as unknown as CodeDoc | undefined;
      if (read.statusCode < 400 && doc && i > 0) brand.codes.set(doc.seq, doc.code);
    });
    const code = (reads[0]!.resourceBody as unknown as CodeDoc | undefined)?.code;
    if (reads[0]!.statusCode >= 400 || code === undefined) throw new Error(`code ${seq} of brand ${brandId} is taken but missing`);
    return code;
  }

  /** Tries the shards with codes left, the least busy in this process first, until a code is taken or none is left. */
  private async takeNextCode(brandId: string, brand: BrandView, customerId: number, claim: ClaimDoc | undefined): Promise<ShardStep | 'none-left'> {
    for (let refreshed = false; ; ) {
      const shard = pickShard(brand);
      if (shard === undefined) {
        // Cached counts say none: check the store (new codes, or cursors this process missed) once.
        if (refreshed) return 'none-left';
        await this.refresh(brandId);
        refreshed = true;
        continue;
      }
      const step = await inLane(brand.lanes[shard]!, () => this.takeInShard(brandId, brand, shard, customerId, claim));
      if (step.kind !== 'exhausted') return step;
    }
  }

  private async takeInShard(brandId: string, brand: BrandView, shard: number, customerId: number, claim: ClaimDoc | undefined): Promise<ShardStep> {
    for (;;) {
      const seq = shard + CLAIM_SHARDS * brand.cursors[shard]!.next;
      if (seq >= brand.generated) return { kind: 'exhausted' };
      // The claim names the code before taking it: the only code a customer's requests may take.
      const named = claim
        ? await this.replaceIfMatch<ClaimDoc>({ ...claim, seq })
        : await this.createIfAbsent<ClaimDoc>({ id: claimId(customerId), brandId, customerId, seq });
      if (!named) return { kind: 'claim-changed' };
      claim = named;
      if (await this.take(brandId, brand, seq, customerId)) return { kind: 'taken', claim };
    }
  }

  /** Takes code seq for the customer (true), or finds it is another customer's (false); either way the cursor moves past it. */
  private async take(brandId: string, brand: BrandView, seq: number, customerId: number): Promise<boolean> {
    const created = await this.createIfAbsent<TakenDoc>({ id: takenId(seq), brandId, seq, customerId, takenAt: this.clock.now().toISOString() });
    const holder = created ? customerId : (await this.read<TakenDoc>(brandId, takenId(seq)))?.customerId;
    if (holder === undefined) throw new Error(`code ${seq} of brand ${brandId} was taken and then vanished`);
    await this.advanceCursor(brandId, brand, seq);
    return holder === customerId;
  }

  /** Moves the cursor of seq's shard past seq, which is taken. */
  private async advanceCursor(brandId: string, brand: BrandView, seq: number): Promise<void> {
    const shard = seq % CLAIM_SHARDS;
    const position = Math.floor(seq / CLAIM_SHARDS);
    for (let attempt = 1; attempt <= MAX_OPTIMISTIC_RETRIES; attempt++) {
      let cursor = brand.cursors[shard]!;
      if (cursor.next > position) return;
      if (cursor.next < position) cursor = this.see(brand, shard, await this.readCursor(brandId, shard));
      if (cursor.next > position) return;
      if (cursor.next < position) throw new Error(`cursor ${shard} of brand ${brandId} is behind taken code ${seq}`);
      const moved = cursor.etag
        ? await this.replaceIfMatch<CursorDoc>({ id: cursorId(shard), brandId, next: position + 1, _etag: cursor.etag })
        : await this.createIfAbsent<CursorDoc>({ id: cursorId(shard), brandId, next: position + 1 });
      if (moved) this.see(brand, shard, { next: moved.next, etag: moved._etag });
      else this.see(brand, shard, await this.readCursor(brandId, shard));
    }
    throw new Error(`cursor ${shard} of brand ${brandId} kept changing`);
  }

  private async readCursor(brandId: string, shard: number): Promise<CursorView> {
    const doc = await this.read<CursorDoc>(brandId, cursorId(shard));
    return { next: doc?.next ?? 0, etag: doc?._etag };
  }

  /** Keeps the newer of what this process knew and what it just saw. */
  private see(brand: BrandView, shard: number, cursor: CursorView): CursorView {
    const known = brand.cursors[shard]!;
    if (cursor.next > known.next || (cursor.next === known.next && cursor.etag && !known.etag)) brand.cursors[shard] = cursor;
    return brand.cursors[shard]!;
  }

  /** The first look at a brand, shared by the claims that arrive together before it is known. */
  private firstRefresh(brandId: string): Promise<BrandView | undefined> {
    let pending = this.firstLooks.get(brandId);
    if (!pending) {
      pending = this.refresh(brandId).then((found) => found?.view);
      this.firstLooks.set(brandId, pending);
      void pending.finally(() => this.firstLooks.delete(brandId)).catch(() => undefined);
    }
    return pending;
  }

  /** Reads the brand and all its cursors in one bulk request, into this process's view; undefined for an unknown brand. */
  private async refresh(brandId: string): Promise<{ doc: BrandDoc; view: BrandView } | undefined> {
    const reads = await this.bulk([
      { operationType: 'Read', id: BRAND_ID, partitionKey: brandId },
      ...Array.from({ length: CLAIM_SHARDS }, (_, shard): OperationInput => ({ operationType: 'Read', id: cursorId(shard), partitionKey: brandId })),
    ]);
    failuresOf(reads, 'read brand and cursors', NOT_FOUND);
    const [brandRead, ...cursorReads] = reads;
    if (brandRead!.statusCode === NOT_FOUND) return undefined;
    const doc = brandRead!.resourceBody as unknown as BrandDoc;
    let view = this.brands.get(brandId);
    if (!view) {
      view = {
        generated: 0,
        cursors: Array.from({ length: CLAIM_SHARDS }, () => ({ next: 0, etag: undefined })),
        lanes: Array.from({ length: CLAIM_SHARDS }, () => ({ waiting: 0, tail: Promise.resolve() })),
        codes: new Map(),
      };
      this.brands.set(brandId, view);
    }
    view.generated = Math.max(view.generated, doc.generated);
    cursorReads.forEach((read, shard) => {
      const cursor = read.resourceBody as unknown as CursorDoc | undefined;
      if (read.statusCode < 400 && cursor) this.see(view, shard, { next: cursor.next, etag: cursor._etag });
    });
    return { doc, view };
  }

  // ------------------------------------------------------------------------------------------
  // Redemption

  async redeem(code: string): Promise<RedeemOutcome> {
    const index = await this.read<CodeIndexDoc>(codePartition(code), code);
    if (!index) return { status: 'unknown-code' };
    const brandId = index.brand;
    const [stored, taken] = await this.bulk([
      { operationType: 'Read', id: codeId(index.seq), partitionKey: brandId },
      { operationType: 'Read', id: takenId(index.seq), partitionKey: brandId },
    ]);
    // An index entry whose number another request filled first names a code that was never stored.
    if (stored!.statusCode >= 400 || (stored!.resourceBody as unknown as CodeDoc).code !== code) return { status: 'unknown-code' };
    if (taken!.statusCode === NOT_FOUND) return { status: 'not-claimed', brandId };
    const redeemed = await this.createIfAbsent({ id: redeemedId(index.seq), brandId, seq: index.seq, redeemedAt: this.clock.now().toISOString() });
    if (!redeemed) return { status: 'already-redeemed', brandId };
    await this.container.item(BRAND_ID, brandId).patch([{ op: 'incr', path: '/redeemed', value: 1 }]);
    return { status: 'redeemed', brandId, code };
  }

  // ------------------------------------------------------------------------------------------
  // Store primitives

  private async readBrand(brandId: string): Promise<BrandDoc> {
    const brand = await this.read<BrandDoc>(brandId, BRAND_ID);
    if (!brand) throw new Error(`brand ${brandId} has no brand document: call startGeneration first`);
    return brand;
  }

  private async read<T extends StoredDoc>(partition: string, id: string): Promise<T | undefined> {
    return readItem<T>(this.container, id, partition);
  }

  /** The created document, or undefined when one with its id exists. */
  private async createIfAbsent<T extends StoredDoc>(doc: T): Promise<T | undefined> {
    try {
      const { resource } = await this.container.items.create<T>(doc);
      return resource as T;
    } catch (error) {
      if (statusCode(error) === CONFLICT) return undefined;
      throw error;
    }
  }

  /** The replaced document, or undefined when it changed since `doc` was read (its `_etag`). */
  private async replaceIfMatch<T extends StoredDoc>(doc: T): Promise<T | undefined> {
    // System properties (_etag, _rid, _ts, ...) are the store's, not part of the document.
    const body = Object.fromEntries(Object.entries(doc).filter(([key]) => !key.startsWith('_')));
    const etag = doc._etag;
    try {
      const { resource } = await this.container.item(doc.id, doc.brandId).replace(body, { accessCondition: { type: 'IfMatch', condition: etag ?? '' } });
      return resource as unknown as T;
    } catch (error) {
      if (statusCode(error) === PRECONDITION_FAILED) return undefined;
      throw error;
    }
  }

  /** `items.bulk` in requests of 100 operations, BULK_PARALLEL at a time; results in the order of `operations`. */
  private async bulk(operations: OperationInput[]): Promise<OperationResponse[]> {
    const results: OperationResponse[] = new Array(operations.length);
    let next = 0;
    const worker = async () => {
      while (next < operations.length) {
        const start = next;
        next += BULK_CHUNK;
        const answers = await this.container.items.bulk(operations.slice(start, start + BULK_CHUNK), { continueOnError: true });
        answers.forEach((answer, offset) => (results[start + offset] = answer));
      }
    };
    await Promise.all(Array.from({ length: Math.min(BULK_PARALLEL, Math.ceil(operations.length / BULK_CHUNK)) }, worker));
    return results;
  }
}

/** Indexes of the operations that failed with `expected`; any other failure throws. */
function failuresOf(results: readonly OperationResponse[], what: string, expected: number): number[] {
  const failed: number[] = [];
  results.forEach((result, index) => {
    if (result.statusCode === expected) failed.push(index);
    else if (result.statusCode >= 400) throw new Error(`Cosmos bulk ${what} failed (status ${result.statusCode} at operation ${index})`);
  });
  return failed;
}

/** Among shards with codes left (as this process knows), the one with the fewest local claims waiting; ties at random. */
function pickShard(brand: BrandView): number | undefined {
  let best: number[] = [];
  let fewest = Infinity;
  brand.cursors.forEach((cursor, shard) => {
    if (cursor.next >= shardSize(brand.generated, shard)) return;
    const waiting = brand.lanes[shard]!.waiting;
    if (waiting < fewest) [best, fewest] = [[shard], waiting];
    else if (waiting === fewest) best.push(shard);
  });
  return best.length === 0 ? undefined : best[Math.floor(Math.random() * best.length)];
}

async function inLane<T>(lane: Lane, work: () => Promise<T>): Promise<T> {
  lane.waiting += 1;
  const previous = lane.tail;
  let release!: () => void;
  lane.tail = new Promise<void>((resolve) => (release = resolve));
  try {
    await previous;
    return await work();
  } finally {
    lane.waiting -= 1;
    release();
  }
}
