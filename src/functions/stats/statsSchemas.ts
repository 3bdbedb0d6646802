import { z } from 'zod';
import type { StatsMessage } from '../../domain/stats/ports.js';
import type { StatsQuery } from '../../domain/stats/messageStats.js';
import { MAX_TYPE_LENGTH, MAX_UUID_LENGTH } from '../../domain/stats/statsMessage.js';
import { AMOUNT_PATTERN } from '../../domain/shared/money.js';
import { firstIssueMessage } from '../../domain/shared/issues.js';
import type { Result } from '../../domain/shared/result.js';

/** A single message's body: its four fields take under 1 KiB; the rest is room for a producer's own properties (ignored). */
export const MAX_STATS_MESSAGE_BODY_BYTES = 64 * 1024;

/** A lone surrogate has no UTF-8 form, so it could not be stored as sent (utf8mb4 would store U+FFFD instead). */
const LONE_SURROGATE = /\p{Cs}/u;

/** A string its column keeps exactly: whole Unicode characters (code points, as MySQL counts them), at most `max`. */
function storableString(max: number, min = 0) {
  return z
    .string()
    .refine((text) => !LONE_SURROGATE.test(text), 'must be Unicode text (it holds a lone surrogate, which cannot be stored)')
    .refine((text) => Array.from(text).length <= max, `must be at most ${max} characters`)
    .refine((text) => text.length >= min, 'must not be empty');
}

const typeSchema = storableString(MAX_TYPE_LENGTH);

/**
 * Seed 002's message: what its JSON Schema accepts, narrowed only where an invariant needs it
 * (ASSUMPTIONS.md, Message statistics). Other properties are allowed and dropped (JSON Schema
 * allows them; nothing stores them). `customerId` is a whole number from 1 that a JSON parser keeps
 * exactly; `amount` a string with exactly three decimals, never negative, no exponent; `type` and
 * `uuid` fit their columns; `uuid` is any non-empty string (an RFC 4122 UUID compares without case).
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
    uuid: storableString(MAX_UUID_LENGTH, 1),
  });

export const MAX_BATCH_MESSAGES = 1000;

/** `{messages: [...]}`: each message is checked on its own, so one bad message does not refuse the others. */
export const statsBatchSchema = z
  .object({ messages: z.array(z.unknown()).min(1, 'must hold at least one message').max(MAX_BATCH_MESSAGES, `must hold at most ${MAX_BATCH_MESSAGES} messages`) })
  .strict();

/** `code` is the function key, which Azure also accepts on the query string. */
const QUERY_PARAMETERS = new Set(['from', 'to', 'customerId', 'type', 'tz', 'code']);

export type QueryParse = Result<{ query: StatsQuery }>;

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
    if (!parsed.success) return { ok: false, detail: `type ${firstIssueMessage(parsed.error.issues)}` };
    query.type = type;
  }
  return { ok: true, query };
}
