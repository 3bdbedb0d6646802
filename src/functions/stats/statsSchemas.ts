import { z } from 'zod';
import type { StatsMessage } from '../../domain/stats/ports.js';
import type { StatsQuery } from '../../domain/stats/messageStats.js';
import { MAX_TYPE_LENGTH, UUID_PATTERN } from '../../domain/stats/statsMessage.js';
import { AMOUNT_PATTERN } from '../../domain/shared/money.js';

/** Control characters and lone surrogates cannot be a message type (nor stored as utf8mb4). */
const PRINTABLE = /^[^\p{Cc}\p{Cs}]*$/u;

const typeSchema = z
  .string()
  .max(MAX_TYPE_LENGTH, `must be at most ${MAX_TYPE_LENGTH} characters`)
  .regex(PRINTABLE, 'must not contain control characters');

/**
 * Seed 002's message, exactly: four required properties and no others. `customerId` is a positive
 * whole number a JSON parser keeps exactly; `amount` a string with exactly three decimals, never
 * negative, no exponent; `uuid` any 8-4-4-4-12 hexadecimal identifier.
 */
export const statsMessageSchema: z.ZodType<StatsMessage> = z
  .object({
    customerId: z
      .number({ error: 'must be a whole number' })
      .int('must be a whole number')
      .min(1, 'must be 1 or more')
      .max(Number.MAX_SAFE_INTEGER, `must be at most ${Number.MAX_SAFE_INTEGER}`),
    type: typeSchema,
    amount: z.string().regex(AMOUNT_PATTERN, 'must be a string with exactly 3 decimals and no sign, at most 12 digits before the point, e.g. "0.012"'),
    uuid: z.string().regex(UUID_PATTERN, 'must be a uuid such as a596b362-08be-419f-8070-9c3055566e7c'),
  })
  .strict();

export const MAX_BATCH_MESSAGES = 1000;

/** `{messages: [...]}`: each message is checked on its own, so one bad message does not refuse the others. */
export const statsBatchSchema = z
  .object({ messages: z.array(z.unknown()).min(1, 'must hold at least one message').max(MAX_BATCH_MESSAGES, `must hold at most ${MAX_BATCH_MESSAGES} messages`) })
  .strict();

/** `code` is the function key, which Azure also accepts on the query string. */
const QUERY_PARAMETERS = new Set(['from', 'to', 'customerId', 'type', 'tz', 'code']);

export type QueryParse = { ok: true; query: StatsQuery } | { ok: false; detail: string };

/** GET /api/stats query string; dates and the time zone are checked by the use case. */
export function parseStatsQuery(search: URLSearchParams): QueryParse {
  const names = [...search.keys()];
  const unknown = [...new Set(names.filter((name) => !QUERY_PARAMETERS.has(name)))];
  if (unknown.length > 0) return { ok: false, detail: `unknown query parameter ${unknown.join(', ')}; use from, to, customerId, type, tz` };
  const repeated = [...new Set(names.filter((name, i) => names.indexOf(name) !== i))];
  if (repeated.length > 0) return { ok: false, detail: `query parameter ${repeated.join(', ')} given more than once` };

  const from = search.get('from');
  const to = search.get('to');
  if (from === null || to === null) return { ok: false, detail: 'from and to are required, as YYYY-MM-DD' };
  const query: StatsQuery = { from, to, timezone: search.get('tz') ?? 'UTC' };
  const customerId = search.get('customerId');
  if (customerId !== null) {
    if (!/^\d{1,16}$/.test(customerId) || Number(customerId) < 1 || Number(customerId) > Number.MAX_SAFE_INTEGER) {
      return { ok: false, detail: `customerId must be a positive whole number, not "${customerId.slice(0, 20)}"` };
    }
    query.customerId = Number(customerId);
  }
  const type = search.get('type');
  if (type !== null) {
    const parsed = typeSchema.safeParse(type);
    if (!parsed.success) return { ok: false, detail: `type ${parsed.error.issues[0]?.message ?? 'is not valid'}` };
    query.type = type;
  }
  return { ok: true, query };
}
