/** Message statistics (seed 002): one row per message uuid, pre-aggregated counts and totals per time bucket. */

/** A message as counted: `amount` is a canonical 3-decimal string ("0.012"), `uuid` canonical (canonicalMessageId: an RFC 4122 UUID lower-cased, any other id as given). */
export interface StatsMessage {
  customerId: number;
  type: string;
  amount: string;
  uuid: string;
}

/**
 * `created`: counted now; `duplicate`: the uuid was counted before with the same content, nothing
 * changed; `conflict`: the uuid was counted before with other content (`stored`), nothing changed.
 */
export type StatsRecordOutcome =
  | { outcome: 'created' }
  | { outcome: 'duplicate' }
  | { outcome: 'conflict'; stored: StatsMessage };

/** Bucket sizes, all aligned in UTC: a quarter hour, a UTC day, a UTC month, a UTC year. */
export const BUCKET_LEVELS = ['quarter', 'day', 'month', 'year'] as const;
export type BucketLevel = (typeof BUCKET_LEVELS)[number];

/** Every bucket of `level` whose start lies in [firstStart, lastStart], added (sign 1) or subtracted (-1). */
export interface BucketRange {
  level: BucketLevel;
  firstStart: Date;
  lastStart: Date;
  sign: 1 | -1;
}

export interface StatsTotal {
  customerId: number;
  type: string;
  count: number;
  /** Exact, three decimals. */
  totalAmount: string;
}

export interface StatsFilter {
  customerId?: number;
  type?: string;
}

/** A page of totals in (customerId, type) order: the rows after `after` (type compared byte for byte, as stored), at most `limit`. */
export interface StatsPage {
  after?: { customerId: number; type: string };
  limit: number;
}

/** One bucket's count and exact total, summed over every customer and type the filter lets through. */
export interface BucketSum {
  level: BucketLevel;
  bucketStart: Date;
  count: number;
  /** Exact, three decimals. */
  totalAmount: string;
}

export interface MessageStats {
  /**
   * Counts each new uuid once, in one transaction with its bucket updates, and answers per message
   * (in input order; a uuid repeated inside `messages` counts once, later copies compare with the first).
   */
  record(messages: readonly StatsMessage[], receivedAt: Date): Promise<StatsRecordOutcome[]>;
  /**
   * Signed sums of the buckets in `ranges` (no bucket appears twice), one row per customerId and
   * type whose count is above zero, ordered by customerId then type.
   */
  totals(ranges: readonly BucketRange[], filter: StatsFilter, page?: StatsPage): Promise<StatsTotal[]>;
  /**
   * Every bucket in `ranges` (signs ignored: the caller adds and subtracts) with its count and
   * total over the customers and types of `filter`, ordered by level then bucket start.
   */
  bucketSums(ranges: readonly BucketRange[], filter: StatsFilter): Promise<BucketSum[]>;
  /**
   * Counts the message at this amount, whatever was counted before: a new uuid is counted as by
   * `record`; a counted one keeps its count, customer, type and day, and its amount (and its
   * buckets' totals, by the exact difference) becomes `message.amount`. For a price the provider
   * reports after the send (the Messages API's status webhook).
   */
  reprice(message: StatsMessage, receivedAt: Date): Promise<'created' | 'repriced' | 'unchanged'>;
}
