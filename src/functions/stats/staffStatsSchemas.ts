import { z } from 'zod';
import { SERIES_BUCKETS } from '../../domain/stats/statsSeries.js';
import type { StatsTableKey } from '../../domain/stats/statsTable.js';
import { MAX_TYPE_LENGTH } from '../../domain/stats/statsMessage.js';

/** Days of the shop's zone; the use cases check they are real dates in order. */
const day = (name: string) => z.string({ message: `${name} is required, as YYYY-MM-DD` }).regex(/^\d{4}-\d{2}-\d{2}$/, `${name} must be a date written YYYY-MM-DD`);

const customerId = z.coerce
  .number({ message: 'customerId must be a positive whole number' })
  .int('customerId must be a positive whole number')
  .min(1, 'customerId must be a positive whole number')
  .max(Number.MAX_SAFE_INTEGER, 'customerId must be a positive whole number');

/** `code` is the function key, which Azure also accepts on the query string. */
const functionKey = { code: z.string().optional() };

/** GET /api/staff/stats/series */
export const seriesQuerySchema = z
  .object({
    from: day('from'),
    to: day('to'),
    bucket: z.enum(SERIES_BUCKETS, { message: `bucket must be one of ${SERIES_BUCKETS.join(', ')}` }),
    customerId: customerId.optional(),
    type: z.string().min(1).max(MAX_TYPE_LENGTH, `type must be at most ${MAX_TYPE_LENGTH} characters`).optional(),
    ...functionKey,
  })
  .strict();

/** The table's cursor: the last row's key, as base64url JSON (opaque to the client). */
export function encodeStatsCursor(key: StatsTableKey): string {
  return Buffer.from(JSON.stringify([key.customerId, key.type]), 'utf8').toString('base64url');
}

const cursorSchema = z.tuple([z.number().int().min(1).max(Number.MAX_SAFE_INTEGER), z.string().max(MAX_TYPE_LENGTH)]);

function decodeStatsCursor(cursor: string): StatsTableKey | undefined {
  try {
    const parsed = cursorSchema.safeParse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
    return parsed.success ? { customerId: parsed.data[0], type: parsed.data[1] } : undefined;
  } catch {
    return undefined;
  }
}

/** GET /api/staff/stats/table */
export const tableQuerySchema = z
  .object({
    from: day('from'),
    to: day('to'),
    limit: z.coerce.number({ message: 'limit must be a whole number from 1 to 100' }).int('limit must be a whole number from 1 to 100').min(1, 'limit must be a whole number from 1 to 100').max(100, 'limit must be a whole number from 1 to 100').default(50),
    cursor: z
      .string()
      .transform((value, context) => {
        const key = decodeStatsCursor(value);
        if (!key) context.addIssue({ code: 'custom', message: "cursor must be a previous page's nextCursor" });
        return key ?? z.NEVER;
      })
      .optional(),
    ...functionKey,
  })
  .strict();

/** GET /api/staff/stats.csv */
export const csvQuerySchema = z.object({ from: day('from'), to: day('to'), ...functionKey }).strict();

/** A text cell as CSV (RFC 4180): quoted when it holds a comma, quote or line break; a leading =, +, -, @, tab or CR is defused with an apostrophe so a spreadsheet shows it as text, never runs it. */
export function csvCell(value: string | number): string {
  if (typeof value === 'number') return String(value);
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
