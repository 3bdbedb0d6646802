import { createHash } from 'node:crypto';
import type { CodeTerms, PartitionedDocument } from './ports.js';

/**
 * A brand's codes are dealt round-robin into this many shards (code `seq` is in shard seq mod 64),
 * each with its own cursor, so concurrent claims spread over 64 documents instead of queueing on
 * one. Part of the stored layout: changing it needs a migration.
 */
export const CLAIM_SHARDS = 64;

/**
 * The stored layout (Cosmos container `discountCodes`, partition key /brandId). In a brand's partition:
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
export interface BrandDoc extends PartitionedDocument {
  generated: number;
  redeemed: number;
  open: { batch: string; from: number; target: number } | null;
}
export interface BatchDoc extends PartitionedDocument {
  requested: number;
  completed: boolean;
  /** Issue 24; absent on batches from before, whose codes have no value and never expire. */
  terms?: CodeTerms;
}
export interface CodeDoc extends PartitionedDocument {
  seq: number;
  code: string;
  /** Its batch's terms, copied when written (one read finds them); absent on codes from before. */
  terms?: CodeTerms;
}
export interface CodeIndexDoc extends PartitionedDocument {
  brand: string;
  seq: number;
}
export interface CursorDoc extends PartitionedDocument {
  next: number;
}
export interface TakenDoc extends PartitionedDocument {
  seq: number;
  customerId: number;
  takenAt: string;
}
export interface ClaimDoc extends PartitionedDocument {
  customerId: number;
  seq: number;
  code?: string;
}
export interface RedeemedDoc extends PartitionedDocument {
  seq: number;
  redeemedAt: string;
}

export const BRAND_ID = 'brand';
export const batchId = (key: string) => `batch-${createHash('sha256').update(key).digest('hex')}`;
export const codeId = (seq: number) => `code-${seq}`;
export const cursorId = (shard: number) => `cursor-${shard}`;
export const takenId = (seq: number) => `taken-${seq}`;
export const claimId = (customerId: number) => `claim-${customerId}`;
export const redeemedId = (seq: number) => `redeemed-${seq}`;
/** `:` cannot occur in a brand id, so a code's partition never meets a brand's. */
export const codePartition = (code: string) => `code:${code}`;

/** Codes in shard `shard` when `generated` exist: seq = shard, shard + 64, ... below generated. */
export function shardSize(generated: number, shard: number): number {
  return generated > shard ? Math.ceil((generated - shard) / CLAIM_SHARDS) : 0;
}
