import { LruCache } from '../shared/lruCache.js';
import { BRAND_ID, CLAIM_SHARDS, codeId, cursorId, type BrandDoc, type CodeDoc, type CursorDoc } from './documents.js';
import type { ConditionalDocuments } from './ports.js';

/** Codes of a shard read in one bulk request when a claim needs one. */
const CODE_READ_AHEAD = 32;
/**
 * Codes read ahead and kept per brand: one read-ahead for every shard. A code read ahead and then
 * taken by another process is never asked for here; the limit lets it fall out instead of piling up.
 */
const CODES_KEPT_PER_BRAND = CLAIM_SHARDS * CODE_READ_AHEAD;
/**
 * Brands a process keeps a view of. Brands are promotions, a few dozen live at a time; a view holds
 * at most 2,048 codes (about 200 kB), so 64 views stay near 13 MB. A brand that falls out costs one
 * bulk read (its brand document and cursors) when next claimed.
 */
const BRAND_VIEWS_KEPT = 64;

/** The shard's cursor as this process last saw it (never ahead of the stored one: cursors only grow). */
export interface CursorView {
  next: number;
  /** undefined while the cursor document does not exist (nothing of the shard taken yet, as far as known). */
  version: string | undefined;
}

/** Claims of one shard in this process go one after another, so they do not race each other for the same code. */
export interface Lane {
  waiting: number;
  tail: Promise<void>;
}

/** What this process knows of a brand's claim state; every decision is re-checked by a conditional write. */
export interface BrandView {
  generated: number;
  cursors: CursorView[];
  lanes: Lane[];
  /** Codes read ahead of their claims, by seq (codes never change). */
  codes: LruCache<number, string>;
}

/** The brands this process has claimed from, each looked at in the store once and then kept up by what claims see. */
export class BrandViews {
  private readonly views = new LruCache<string, BrandView>(BRAND_VIEWS_KEPT);
  private readonly firstLooks = new Map<string, Promise<BrandView | undefined>>();

  constructor(private readonly documents: ConditionalDocuments) {}

  /** The brand's view; the first look is shared by the claims that arrive together before it is known. Undefined for an unknown brand. */
  view(brandId: string): Promise<BrandView | undefined> {
    const known = this.views.get(brandId);
    if (known) return Promise.resolve(known);
    let pending = this.firstLooks.get(brandId);
    if (!pending) {
      pending = this.refresh(brandId).then((found) => found?.view);
      this.firstLooks.set(brandId, pending);
      void pending.finally(() => this.firstLooks.delete(brandId)).catch(() => undefined);
    }
    return pending;
  }

  /** Reads the brand and all its cursors in one bulk request, into this process's view; undefined for an unknown brand. */
  async refresh(brandId: string): Promise<{ brand: BrandDoc; view: BrandView } | undefined> {
    const [brandRead, ...cursorReads] = await this.documents.readMany<BrandDoc | CursorDoc>(brandId, [
      BRAND_ID,
      ...Array.from({ length: CLAIM_SHARDS }, (_, shard) => cursorId(shard)),
    ]);
    if (!brandRead) return undefined;
    const brand = brandRead.document as BrandDoc;
    let view = this.views.get(brandId);
    if (!view) {
      view = {
        generated: 0,
        cursors: Array.from({ length: CLAIM_SHARDS }, () => ({ next: 0, version: undefined })),
        lanes: Array.from({ length: CLAIM_SHARDS }, () => ({ waiting: 0, tail: Promise.resolve() })),
        codes: new LruCache(CODES_KEPT_PER_BRAND),
      };
      this.views.set(brandId, view);
    }
    view.generated = Math.max(view.generated, brand.generated);
    cursorReads.forEach((read, shard) => {
      if (read) see(view, shard, { next: (read.document as CursorDoc).next, version: read.version });
    });
    return { brand, view };
  }

  async readCursor(brandId: string, shard: number): Promise<CursorView> {
    const read = await this.documents.read<CursorDoc>(brandId, cursorId(shard));
    return { next: read?.document.next ?? 0, version: read?.version };
  }

  /**
   * The code numbered seq. Claims in a shard go in order, so on a miss the shard's next codes are
   * read too, in one bulk request, and kept until claimed.
   */
  async codeAt(brandId: string, view: BrandView, seq: number): Promise<string> {
    const cached = view.codes.get(seq);
    if (cached !== undefined) {
      view.codes.delete(seq);
      return cached;
    }
    const ahead = Array.from({ length: CODE_READ_AHEAD }, (_, i) => seq + i * CLAIM_SHARDS).filter((next) => next === seq || next < view.generated);
    const [wanted, ...following] = await this.documents.readMany<CodeDoc>(brandId, ahead.map(codeId));
    for (const read of following) if (read) view.codes.set(read.document.seq, read.document.code);
    if (!wanted) throw new Error(`code ${seq} of brand ${brandId} is taken but missing`);
    return wanted.document.code;
  }
}

/** Keeps the newer of what this process knew of a shard's cursor and what it just saw. */
export function see(view: BrandView, shard: number, cursor: CursorView): CursorView {
  const known = view.cursors[shard]!;
  if (cursor.next > known.next || (cursor.next === known.next && cursor.version && !known.version)) view.cursors[shard] = cursor;
  return view.cursors[shard]!;
}
