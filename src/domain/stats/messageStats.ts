import { roundToAmount } from '../shared/money.js';
import type { Clock, Logger } from '../shared/ports.js';
import type { MessageStats, StatsFilter, StatsMessage, StatsRecordOutcome, StatsTotal } from './ports.js';
import { canonicalStatsMessage, uuidV5 } from './statsMessage.js';
import { coverInterval, resolveInterval } from './statsInterval.js';
import type { Result } from '../shared/result.js';

export interface RecordStatsDeps {
  stats: MessageStats;
  clock: Clock;
}

/**
 * Counts messages received now (one clock reading for the whole call): each uuid once, whatever
 * is retried or sent concurrently. One call is one round trip to the store.
 */
export async function recordStatsMessages(deps: RecordStatsDeps, messages: readonly StatsMessage[]): Promise<StatsRecordOutcome[]> {
  if (messages.length === 0) return [];
  return deps.stats.record(messages.map(canonicalStatsMessage), deps.clock.now());
}

export interface StatsQuery extends StatsFilter {
  from: string;
  to: string;
  timezone: string;
}

export type StatsQueryResult = Result<{ from: string; to: string; timezone: string; stats: StatsTotal[] }>;

export type QueryStatsDeps = Pick<RecordStatsDeps, 'stats'>;

/**
 * Count and total per customerId and type of the messages received on the days `from` to `to`
 * (inclusive) in `timezone`, read from pre-aggregated buckets only: the cost follows the number of
 * customerId/type pairs, never the number of messages.
 */
export async function queryStats(deps: QueryStatsDeps, query: StatsQuery): Promise<StatsQueryResult> {
  const interval = resolveInterval(query.from, query.to, query.timezone);
  if (!interval.ok) return interval;
  const filter: StatsFilter = {
    ...(query.customerId === undefined ? {} : { customerId: query.customerId }),
    ...(query.type === undefined ? {} : { type: query.type }),
  };
  const stats = await deps.stats.totals(coverInterval(interval.start, interval.end), filter);
  return { ok: true, from: query.from, to: query.to, timezone: query.timezone, stats };
}

/** Namespace of the uuids of Repair Relay's own messages (UUIDv5; fixed forever, or retries would count twice). */
export const OWN_MESSAGE_NAMESPACE = '3c7e2f4a-9b1d-5e8f-a6c2-7d4b0e9f1a35';

export interface OwnMessage {
  customerId: number;
  /** `sms`, `whatsapp`, `email`. */
  channel: string;
  /** `job-received`, `job-closed`, ... */
  event: string;
  /** The provider's price as it reported it (e.g. "0.03330000"); none counts as zero. */
  price?: string | null;
  /** The message's idempotency key, e.g. the notification_log `messageKey` `job-123-received`. */
  messageKey: string;
}

export interface RecordOwnMessageDeps extends RecordStatsDeps {
  logger: Logger;
}

/** The statistics message for one of our own messages: same key, same uuid, so a retry never counts twice. */
export function ownStatsMessage(message: OwnMessage): StatsMessage {
  return {
    customerId: message.customerId,
    type: `${message.channel}.${message.event}`,
    amount: message.price ? roundToAmount(message.price) : '0.000',
    uuid: uuidV5(`${message.channel}/${message.messageKey}`, OWN_MESSAGE_NAMESPACE),
  };
}

/**
 * Records messages Repair Relay sent (DESIGN.md, Message statistics), in one round trip: type
 * `<channel>.<event>`, the provider's price rounded half up to three decimals, a uuid derived from
 * the idempotency key. A conflict (the same key recorded with another price) is logged, not
 * thrown: statistics never stop a message from settling.
 */
export async function recordOwnMessages(deps: RecordOwnMessageDeps, messages: readonly OwnMessage[]): Promise<StatsRecordOutcome[]> {
  const stats = messages.map(ownStatsMessage);
  const results = await recordStatsMessages(deps, stats);
  results.forEach((result, index) => {
    if (result.outcome !== 'conflict') return;
    deps.logger.warn('own message already counted with other content; kept the first', {
      messageKey: messages[index]!.messageKey,
      uuid: stats[index]!.uuid,
      type: stats[index]!.type,
      amount: stats[index]!.amount,
      storedAmount: result.stored.amount,
    });
  });
  return results;
}
