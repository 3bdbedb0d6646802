import type { Clock } from '../shared/ports.js';
import { see, type BrandView, type BrandViews, type Lane } from './brandViews.js';
import { CLAIM_SHARDS, claimId, cursorId, shardSize, takenId, type ClaimDoc, type CursorDoc, type TakenDoc } from './documents.js';
import type { ClaimOutcome, ConditionalDocuments, DiscountCodeCounts, RandomSource, Versioned } from './ports.js';

/** Each attempt ends in a write some other claim won; a claim loses this many times only under a storm. */
const MAX_CLAIM_ATTEMPTS = 200;
const MAX_CURSOR_ATTEMPTS = 50;

type ShardStep = { kind: 'taken'; claim: Versioned<ClaimDoc> } | { kind: 'exhausted' } | { kind: 'claim-changed' };

/**
 * Claiming: a customer's claim document names the one code it may take (seq); the code is taken by
 * creating `taken-<seq>` (create-if-absent: exactly one creator wins), then the code is written into
 * the claim. A claim names a new code only by a replace-if-match, and only after its code went to
 * someone else, so two concurrent requests of one customer take one code between them; a crash at
 * any step leaves a claim that the customer's next request completes.
 * Which code to try: shard cursors. A code is only taken at its shard's cursor (seq = shard +
 * 64 x next), and the cursor moves past a code only once it is taken, so every code before a
 * cursor is taken and at most the one at it is taken besides: `claimed` is exact from 64 cursors.
 */
export class ShardedClaims {
  constructor(
    private readonly documents: ConditionalDocuments,
    private readonly views: BrandViews,
    private readonly clock: Clock,
    private readonly random: RandomSource,
  ) {}

  async counts(brandId: string): Promise<DiscountCodeCounts | undefined> {
    const found = await this.views.refresh(brandId);
    if (!found || found.brand.generated === 0) return undefined;
    const { generated, redeemed } = found.brand;
    const { cursors } = found.view;
    // The code at each cursor may be taken already (its claim has not moved the cursor yet).
    const atCursors = cursors.map((cursor, shard) => shard + CLAIM_SHARDS * cursor.next).filter((seq) => seq < generated);
    const taken = await this.documents.readMany(brandId, atCursors.map(takenId));
    const claimed = cursors.reduce((sum, cursor) => sum + cursor.next, 0) + taken.filter((read) => read !== undefined).length;
    return { brandId, generated, claimed, redeemed, available: generated - claimed };
  }

  async claim(brandId: string, customerId: number): Promise<ClaimOutcome> {
    const brand = await this.views.view(brandId);
    if (!brand) return { status: 'unknown-brand' };
    // Most claims are a customer's first: creating the claim finds an earlier one (it exists) without reading first.
    let claim: Versioned<ClaimDoc> | undefined;
    let claimRead = false;
    for (let attempt = 1; attempt <= MAX_CLAIM_ATTEMPTS; attempt++) {
      if (claim?.document.code) return { status: 'already-claimed', code: claim.document.code };
      // A claim left by an earlier or concurrent request of the customer is completed first.
      let holding = claim && (await this.take(brandId, brand, claim.document.seq, customerId)) ? claim : undefined;
      if (!holding) {
        const step = await this.takeNextCode(brandId, brand, customerId, claim);
        if (step === 'none-left' && claimRead) return { status: 'none-left' };
        if (step !== 'none-left' && step.kind === 'taken') holding = step.claim;
      }
      if (holding) {
        const code = await this.views.codeAt(brandId, brand, holding.document.seq);
        // Settled by this request: 201; a concurrent request of the customer that settles first answers it instead.
        if (await this.documents.replaceIfMatch({ ...holding.document, code }, holding.version)) return { status: 'claimed', code };
      }
      claim = await this.documents.read<ClaimDoc>(brandId, claimId(customerId));
      claimRead = true;
    }
    throw new Error(`claim of customer ${customerId} at brand ${brandId} lost ${MAX_CLAIM_ATTEMPTS} races in a row`);
  }

  /** Tries the shards with codes left, the least busy in this process first, until a code is taken or none is left. */
  private async takeNextCode(brandId: string, brand: BrandView, customerId: number, claim: Versioned<ClaimDoc> | undefined): Promise<ShardStep | 'none-left'> {
    for (let refreshed = false; ; ) {
      const shard = pickShard(brand, this.random);
      if (shard === undefined) {
        // Cached counts say none: check the store (new codes, or cursors this process missed) once.
        if (refreshed) return 'none-left';
        await this.views.refresh(brandId);
        refreshed = true;
        continue;
      }
      const step = await inLane(brand.lanes[shard]!, () => this.takeInShard(brandId, brand, shard, customerId, claim));
      if (step.kind !== 'exhausted') return step;
    }
  }

  private async takeInShard(brandId: string, brand: BrandView, shard: number, customerId: number, claim: Versioned<ClaimDoc> | undefined): Promise<ShardStep> {
    for (;;) {
      const seq = shard + CLAIM_SHARDS * brand.cursors[shard]!.next;
      if (seq >= brand.generated) return { kind: 'exhausted' };
      // The claim names the code before taking it: the only code a customer's requests may take.
      const named: ClaimDoc = claim ? { ...claim.document, seq } : { id: claimId(customerId), brandId, customerId, seq };
      const version = claim ? await this.documents.replaceIfMatch(named, claim.version) : await this.documents.createIfAbsent(named);
      if (!version) return { kind: 'claim-changed' };
      claim = { document: named, version };
      if (await this.take(brandId, brand, seq, customerId)) return { kind: 'taken', claim };
    }
  }

  /** Takes code seq for the customer (true), or finds it is another customer's (false); either way the cursor moves past it. */
  private async take(brandId: string, brand: BrandView, seq: number, customerId: number): Promise<boolean> {
    const taken: TakenDoc = { id: takenId(seq), brandId, seq, customerId, takenAt: this.clock.now().toISOString() };
    const holder = (await this.documents.createIfAbsent(taken)) ? customerId : (await this.documents.read<TakenDoc>(brandId, taken.id))?.document.customerId;
    if (holder === undefined) throw new Error(`code ${seq} of brand ${brandId} was taken and then vanished`);
    await this.advanceCursor(brandId, brand, seq);
    return holder === customerId;
  }

  /** Moves the cursor of seq's shard past seq, which is taken. */
  private async advanceCursor(brandId: string, brand: BrandView, seq: number): Promise<void> {
    const shard = seq % CLAIM_SHARDS;
    const position = Math.floor(seq / CLAIM_SHARDS);
    for (let attempt = 1; attempt <= MAX_CURSOR_ATTEMPTS; attempt++) {
      let cursor = brand.cursors[shard]!;
      if (cursor.next > position) return;
      if (cursor.next < position) cursor = see(brand, shard, await this.views.readCursor(brandId, shard));
      if (cursor.next > position) return;
      if (cursor.next < position) throw new Error(`cursor ${shard} of brand ${brandId} is behind taken code ${seq}`);
      const moved: CursorDoc = { id: cursorId(shard), brandId, next: position + 1 };
      const version = cursor.version ? await this.documents.replaceIfMatch(moved, cursor.version) : await this.documents.createIfAbsent(moved);
      see(brand, shard, version ? { next: moved.next, version } : await this.views.readCursor(brandId, shard));
    }
    throw new Error(`cursor ${shard} of brand ${brandId} kept changing`);
  }
}

/** Among shards with codes left (as this process knows), the one with the fewest local claims waiting; ties at random. */
function pickShard(brand: BrandView, random: RandomSource): number | undefined {
  let best: number[] = [];
  let fewest = Infinity;
  brand.cursors.forEach((cursor, shard) => {
    if (cursor.next >= shardSize(brand.generated, shard)) return;
    const waiting = brand.lanes[shard]!.waiting;
    if (waiting < fewest) [best, fewest] = [[shard], waiting];
    else if (waiting === fewest) best.push(shard);
  });
  if (best.length === 0) return undefined;
  // Four bytes as an unsigned number: its bias modulo at most 64 shards is far below what spreading claims notices.
  return best[random.bytes(4).reduce((sum, byte) => sum * 256 + byte, 0) % best.length];
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
