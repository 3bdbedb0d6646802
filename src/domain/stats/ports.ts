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

/** Who a runaway flag is about: one customer, or one message type across every customer. */
export type RunawaySubject = { kind: 'customer'; customerId: number } | { kind: 'type'; type: string };
export type RunawayReason = 'count' | 'cost';

/** A runaway flag as the guard raises it: one per subject and shop day. */
export interface RunawayFlagInput {
  subject: RunawaySubject;
  /** The shop's day (YYYY-MM-DD, BUSINESS_TIMEZONE). */
  day: string;
  reasons: RunawayReason[];
  count: number;
  /** Three decimals; null when the guard counted attempts in the send path, where cost is not known yet. */
  cost: string | null;
  /** Totals of the days before (RUNAWAY_BASELINE_DAYS), the same way. */
  baselineCount: number;
  baselineCost: string | null;
  /** Sending to the customer pauses until released (RUNAWAY_PAUSE; never for a type). */
  paused: boolean;
  at: Date;
}

export interface RunawayFlag extends RunawayFlagInput {
  flagId: number;
  releasedAt: Date | null;
  releasedBy: string | null;
}

/** The runaway-sender guard's flags in the ledger, and the counts of sends it judges by. */
export interface RunawayFlags {
  /** Whether sending to the customer is paused now, and how many messages were attempted to them since `since` and in [baselineSince, since). */
  sendFigures(customerId: number, since: Date, baselineSince: Date): Promise<{ paused: boolean; today: number; baseline: number }>;
  isPaused(customerId: number): Promise<boolean>;
  /**
   * Records each flag once per subject and day; a later call that day raises its figures and adds
   * reasons, and pauses it only if it was never released: a release stands for the rest of the day.
   */
  record(flags: readonly RunawayFlagInput[]): Promise<void>;
  /** Newest first, flagId below `before`. */
  list(page: { before?: number; limit: number }): Promise<RunawayFlag[]>;
  /** Releases every pause of the customer; answers how many it released. */
  release(customerId: number, by: string, at: Date): Promise<number>;
}
