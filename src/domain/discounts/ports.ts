/**
 * Discount codes (seed 004). A brand's codes are numbered 0, 1, 2, ... (`seq`) in the order they
 * were generated; a customer holds at most one code of a brand; a code is redeemed at most once.
 */

/** Unpredictable bytes (the adapter uses node:crypto), so the domain stays free of I/O. */
export interface RandomSource {
  bytes(count: number): Uint8Array;
}

export interface DiscountCodeCounts {
  brandId: string;
  generated: number;
  claimed: number;
  redeemed: number;
  available: number;
}

/** What a code is worth: a percentage (1 to 100) or an amount in a currency (a decimal string, never a float). */
export type DiscountValue = { kind: 'percent'; percent: number } | { kind: 'amount'; amount: string; currency: string };

/** A batch's terms, kept on each of its codes (issue 24); codes generated before have none and never expire. */
export interface CodeTerms {
  value?: DiscountValue;
  /** ISO 8601 UTC: from this instant on the code is refused at the counter. */
  expiresAt?: string;
}

/** A range of sequence numbers a generation fills next: [from, from + size), with the terms of the batch it belongs to. */
export interface GenerationChunk {
  from: number;
  size: number;
  terms?: CodeTerms;
}

/** One code as the console looks it up. */
export interface CodeLookup {
  code: string;
  brandId: string;
  terms: CodeTerms;
  state: 'available' | 'claimed' | 'redeemed' | 'expired';
  customerId: number | null;
  claimedAt: string | null;
  redeemedAt: string | null;
}

export type GenerationStart =
  | { status: 'open' }
  | { status: 'completed' }
  /** The Idempotency-Key was used before for another count. */
  | { status: 'key-reused'; requested: number };

export type ClaimOutcome =
  | { status: 'claimed'; code: string }
  /** The customer had claimed before: the same code. */
  | { status: 'already-claimed'; code: string }
  | { status: 'none-left' }
  | { status: 'unknown-brand' };

export type RedeemOutcome =
  | { status: 'redeemed'; brandId: string; code: string }
  | { status: 'already-redeemed'; brandId: string }
  /** A code nobody has claimed cannot be redeemed: it was never handed to a customer. */
  | { status: 'not-claimed'; brandId: string }
  /** Past its batch's expiry: refused, and said so. */
  | { status: 'expired'; brandId: string; expiresAt: string }
  | { status: 'unknown-code' };

/**
 * The discount-code protocol as its use cases see it (DiscountCodeProtocol over ConditionalDocuments).
 * Every method is safe to repeat and to run concurrently from several processes: the store's
 * conditional writes, not this process, keep the rules.
 */
export interface DiscountCodes {
  /** Records generation request `batchKey` of `count` codes (or finds it again when repeated). */
  startGeneration(brandId: string, batchKey: string, count: number, terms?: CodeTerms): Promise<GenerationStart>;
  /**
   * The next sequence numbers to fill for the brand: those of an unfinished earlier generation
   * first (whoever asks completes it), then this one's; undefined once `batchKey` is complete.
   */
  nextGenerationChunk(brandId: string, batchKey: string, maxSize: number): Promise<GenerationChunk | undefined>;
  /**
   * Registers codes as existing across all brands; returns the indexes of `entries` whose code
   * exists already (a collision, found by the store), which the caller replaces and offers again.
   */
  reserveCodes(brandId: string, entries: ReadonlyArray<{ seq: number; code: string }>): Promise<number[]>;
  /** Stores the chunk's codes under their sequence numbers (a number already filled keeps its code) and makes them claimable. */
  fillChunk(brandId: string, chunk: GenerationChunk, codes: readonly string[]): Promise<void>;
  counts(brandId: string): Promise<DiscountCodeCounts | undefined>;
  /** One code of the brand for the customer, the same one on every repeat. */
  claim(brandId: string, customerId: number): Promise<ClaimOutcome>;
  /** `code` as normalized (upper case). */
  redeem(code: string): Promise<RedeemOutcome>;
  /** `code` as normalized; undefined when it is not one of ours. */
  lookup(code: string): Promise<CodeLookup | undefined>;
}

/**
 * A document of the discount-code store. `brandId` is its partition: a brand's id, or `code:<CODE>`
 * for a code's index entry (src/domain/discounts/documents.ts describes the layout).
 */
export interface PartitionedDocument {
  id: string;
  brandId: string;
}

/** A stored document and the store's version of it, which changes on every write. */
export interface Versioned<T> {
  document: T;
  version: string;
}

/**
 * Where the protocol keeps its documents. Writes are conditional (a create happens once, a
 * replace only over the version it read), which is all several processes need to keep the
 * protocol's rules without locks. Documents come back as written, without the store's own fields.
 */
export interface ConditionalDocuments {
  read<T extends PartitionedDocument>(partition: string, id: string): Promise<Versioned<T> | undefined>;
  /** Point reads of documents of one partition, in the order of `ids`; undefined where absent. */
  readMany<T extends PartitionedDocument>(partition: string, ids: readonly string[]): Promise<Array<Versioned<T> | undefined>>;
  /** The version of the created document, or undefined when one with its id exists (left as it is). */
  createIfAbsent<T extends PartitionedDocument>(document: T): Promise<string | undefined>;
  /** Creates each document unless one with its id exists; says for each whether it was created. */
  createManyIfAbsent<T extends PartitionedDocument>(documents: readonly T[]): Promise<boolean[]>;
  /** Replaces the document if its stored version is still `version`: the new version, or undefined when it changed. */
  replaceIfMatch<T extends PartitionedDocument>(document: T, version: string): Promise<string | undefined>;
}
