import { createHash } from 'node:crypto';
import { amountFromThousandths, thousandthsFromAmount } from '../shared/money.js';
import type { StatsMessage } from './ports.js';

/** Any 8-4-4-4-12 hexadecimal identifier: seed 002 asks for a uuid string, not a particular version. */
export const UUID_PATTERN = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** The longest `type` the statistics keep (characters). */
export const MAX_TYPE_LENGTH = 64;

/** One message, as the statistics compare and store it: lower-case uuid, amount without leading zeros. */
export function canonicalStatsMessage(message: StatsMessage): StatsMessage {
  return {
    customerId: message.customerId,
    type: message.type,
    amount: amountFromThousandths(thousandthsFromAmount(message.amount)),
    uuid: message.uuid.toLowerCase(),
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
