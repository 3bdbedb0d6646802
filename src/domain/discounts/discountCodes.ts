import type { Customers } from '../customers/ports.js';
import type { Clock } from '../shared/ports.js';
import { newDiscountCodes } from './discountCode.js';
import type { ClaimOutcome, CodeLookup, CodeTerms, DiscountCodeCounts, DiscountCodes, RandomSource, RedeemOutcome } from './ports.js';

export interface GenerationSettings {
  /** Codes written per step; each step's progress is saved, so a repeat continues after the last whole step. */
  chunkSize: number;
  /** A request stops starting steps after this long and answers "in progress", well inside the host's timeout. */
  timeBudgetMs: number;
}

export interface GenerateCodesDeps {
  codes: DiscountCodes;
  random: RandomSource;
  clock: Clock;
  settings: GenerationSettings;
}

export interface GenerationRequest {
  brandId: string;
  count: number;
  /** The caller's Idempotency-Key; without one the request gets a fresh key, returned so it can be continued. */
  idempotencyKey?: string;
  /** The batch's value and expiry (issue 24), kept on each of its codes. */
  terms?: CodeTerms;
}

export type GenerationResult =
  | { status: 'complete'; batchKey: string; counts: DiscountCodeCounts }
  /** The time budget ran out: repeating the request with `batchKey` continues it. */
  | { status: 'in-progress'; batchKey: string; counts: DiscountCodeCounts }
  | { status: 'key-reused'; batchKey: string; requested: number }
  /** An expiry that is not in the future: such codes could never be redeemed. */
  | { status: 'invalid-terms'; detail: string };

/** A collision among 8e14 codes is rare; this many in a row for one chunk means something else is wrong. */
const MAX_COLLISION_ROUNDS = 8;

/**
 * Generates `count` codes for a brand in chunks, each recorded by the store before the next, so
 * an interrupted request is completed (never doubled) by a repeat with the same Idempotency-Key.
 */
export async function generateDiscountCodes(deps: GenerateCodesDeps, request: GenerationRequest): Promise<GenerationResult> {
  const { codes, random, clock, settings } = deps;
  const { brandId, count } = request;
  const expiresAt = request.terms?.expiresAt;
  if (expiresAt !== undefined && Date.parse(expiresAt) <= clock.now().getTime()) {
    return { status: 'invalid-terms', detail: `expiresAt must be in the future, not ${expiresAt}` };
  }
  const batchKey = request.idempotencyKey ?? Array.from(random.bytes(16), (byte) => byte.toString(16).padStart(2, '0')).join('');
  const start = await codes.startGeneration(brandId, batchKey, count, request.terms);
  if (start.status === 'key-reused') return { status: 'key-reused', batchKey, requested: start.requested };

  const deadline = clock.now().getTime() + settings.timeBudgetMs;
  let finished = start.status === 'completed';
  while (!finished && clock.now().getTime() < deadline) {
    const chunk = await codes.nextGenerationChunk(brandId, batchKey, settings.chunkSize);
    if (!chunk) {
      finished = true;
      break;
    }
    const chunkCodes = newDiscountCodes(random, chunk.size);
    let offered = chunkCodes.map((_, index) => index);
    for (let round = 1; offered.length > 0; round++) {
      if (round > MAX_COLLISION_ROUNDS) throw new Error(`discount codes kept colliding for brand ${brandId} (${offered.length} left after ${MAX_COLLISION_ROUNDS} rounds)`);
      const collided = await codes.reserveCodes(brandId, offered.map((index) => ({ seq: chunk.from + index, code: chunkCodes[index]! })));
      offered = collided.map((position) => offered[position]!);
      const replacements = newDiscountCodes(random, offered.length);
      offered.forEach((index, position) => (chunkCodes[index] = replacements[position]!));
    }
    await codes.fillChunk(brandId, chunk, chunkCodes);
  }
  const counts = await codes.counts(brandId);
  if (!counts) throw new Error(`brand ${brandId} has no code counts after a generation`);
  return { status: finished ? 'complete' : 'in-progress', batchKey, counts };
}

export interface ClaimCodeDeps {
  codes: Pick<DiscountCodes, 'claim'>;
}

/** One code of the brand for the customer; asking again gives the same code (the feedback reward calls this too). */
export function claimDiscountCode(deps: ClaimCodeDeps, brandId: string, customerId: number): Promise<ClaimOutcome> {
  return deps.codes.claim(brandId, customerId);
}

export interface CustomerClaimDeps extends ClaimCodeDeps {
  customers: Pick<Customers, 'get'>;
}

export type CustomerClaimOutcome = ClaimOutcome | { status: 'unknown-customer' };

/** A claim asked for by a caller (POST .../claim): a code is only ever held by a customer we know. */
export async function claimDiscountCodeForCustomer(deps: CustomerClaimDeps, brandId: string, customerId: number): Promise<CustomerClaimOutcome> {
  if (!(await deps.customers.get(customerId))) return { status: 'unknown-customer' };
  return claimDiscountCode(deps, brandId, customerId);
}

export interface RedeemCodeDeps {
  codes: DiscountCodes;
}

/** `code` normalized by normalizeDiscountCode. */
export function redeemDiscountCode(deps: RedeemCodeDeps, code: string): Promise<RedeemOutcome> {
  return deps.codes.redeem(code);
}

/** A name as the counter shows it: each word's first letter and asterisks ("Ada Lovelace" → "A*** L***"). */
export function maskName(name: string): string {
  return name
    .trim()
    .split(/\s+/)
    .filter((word) => word !== '')
    .map((word) => `${Array.from(word)[0]}***`)
    .join(' ');
}

export interface LookUpCodeDeps {
  codes: Pick<DiscountCodes, 'lookup'>;
  customers: Pick<Customers, 'get'>;
}

export type CodeView = Omit<CodeLookup, 'customerId'> & { customer: { customerId: number; nameMasked: string } | null };

/** `code` normalized by normalizeDiscountCode: its brand, terms and state, and who holds it with the name masked; undefined when it is not one of ours. */
export async function lookUpDiscountCode(deps: LookUpCodeDeps, code: string): Promise<CodeView | undefined> {
  const found = await deps.codes.lookup(code);
  if (!found) return undefined;
  const { customerId, ...rest } = found;
  const holder = customerId === null ? undefined : await deps.customers.get(customerId);
  return { ...rest, customer: customerId === null ? null : { customerId, nameMasked: holder ? maskName(holder.name) : '' } };
}

export interface CodeCountsDeps {
  codes: DiscountCodes;
}

export function discountCodeCounts(deps: CodeCountsDeps, brandId: string): Promise<DiscountCodeCounts | undefined> {
  return deps.codes.counts(brandId);
}
