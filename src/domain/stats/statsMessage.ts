import { createHash } from 'node:crypto';
import { amountFromThousandths, thousandthsFromAmount } from '../shared/money.js';
import type { StatsMessage } from './ports.js';

/** An 8-4-4-4-12 hexadecimal identifier (RFC 4122 text form, any version): compared without case. */
export const UUID_PATTERN = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** The longest `type` the statistics keep (characters: `stats_message.type` is VARCHAR(64)). */
export const MAX_TYPE_LENGTH = 64;
/** The longest message id the statistics keep (characters: `stats_message.uuid` holds 512 bytes, 4 per character at most). */
export const MAX_UUID_LENGTH = 128;

/**
 * A message id as the statistics compare it: seed 002's schema makes `uuid` any string, so a
 * producer's own ids are kept as given, byte for byte; only an RFC 4122 UUID, whose hexadecimal
 * digits mean the same in either case, is lower-cased.
 */
export function canonicalMessageId(uuid: string): string {
  return UUID_PATTERN.test(uuid) ? uuid.toLowerCase() : uuid;
}

/** One message, as the statistics compare and store it: canonical id, amount without leading zeros. */
export function canonicalStatsMessage(message: StatsMessage): StatsMessage {
  return {
    customerId: message.customerId,
    type: message.type,
    amount: amountFromThousandths(thousandthsFromAmount(message.amount)),
    uuid: canonicalMessageId(message.uuid),
  };
}

export function sameStatsContent(a: StatsMessage, b: StatsMessage): boolean {
  return a.customerId === b.customerId && a.type === b.type && thousandthsFromAmount(a.amount) === thousandthsFromAmount(b.amount);
}

/** RFC 9562 name-based UUID, version 5 (SHA-1): the same name in the same namespace always gives the same uuid. */
export function uuidV5(name: string, namespace: string): string {
  if (!UUID_PATTERN.test(namespace)) throw new RangeError(`not a uuid: ${namespace}`);
  const hash = createHash('sha1').update(Buffer.from(namespace.replace(/-/g, ''), 'hex')).update(name, 'utf8').digest();
  const bytes = hash.subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
