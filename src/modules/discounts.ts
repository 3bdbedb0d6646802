import { CosmosConditionalDocuments } from '../adapters/cosmos/conditionalDocuments.js';
import { cryptoRandom } from '../adapters/system/cryptoRandom.js';
import {
  claimDiscountCodeForCustomer,
  discountCodeCounts,
  generateDiscountCodes,
  lookUpDiscountCode,
  redeemDiscountCode,
  type GenerationRequest,
  type GenerationSettings,
} from '../domain/discounts/discountCodes.js';
import type { DiscountCodes } from '../domain/discounts/ports.js';
import { DiscountCodeProtocol } from '../domain/discounts/protocol.js';
import type { Infrastructure } from '../infrastructure.js';
import { MysqlCustomers } from '../adapters/mysql/customers.js';

/** Chunks of 2,000 codes (40 bulk requests); a request stops starting chunks after a minute, far inside the HTTP limit of 230 s. */
export const DISCOUNT_GENERATION_SETTINGS: GenerationSettings = { chunkSize: 2000, timeBudgetMs: 60_000 };

/** The one store of discount codes per worker: its caches serve both the discount API and feedback rewards. */
export function discountCodeStore(infra: Pick<Infrastructure, 'discountCodesContainer' | 'clock'>): DiscountCodes {
  return new DiscountCodeProtocol(new CosmosConditionalDocuments(infra.discountCodesContainer), infra.clock, cryptoRandom);
}

/** Discount codes: generated per brand, claimed for a customer, redeemed once. */
export function discountsModule(codes: DiscountCodes, infra: Pick<Infrastructure, 'ledgerPool' | 'clock'>) {
  const customers = new MysqlCustomers(infra.ledgerPool);
  return {
    generateDiscountCodes: (request: GenerationRequest) =>
      generateDiscountCodes({ codes, random: cryptoRandom, clock: infra.clock, settings: DISCOUNT_GENERATION_SETTINGS }, request),
    /** Undefined for a brand without codes. */
    discountCodeCounts: (brandId: string) => discountCodeCounts({ codes }, brandId),
    claimDiscountCode: (brandId: string, customerId: number) => claimDiscountCodeForCustomer({ codes, customers }, brandId, customerId),
    /** The code normalized. */
    redeemDiscountCode: (code: string) => redeemDiscountCode({ codes }, code),
    /** GET /api/staff/discount-codes/{code}: the code normalized. */
    lookUpDiscountCode: (code: string) => lookUpDiscountCode({ codes, customers }, code),
  };
}
