import { z } from 'zod';
import { decodeCursor, encodeCursor } from '../../domain/console/cursor.js';
import { pageParams } from '../console/consoleSchemas.js';
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

/** GET /api/staff/stats/series */
export const seriesQuerySchema = z
  .object({
    from: day('from'),
    to: day('to'),
    bucket: z.enum(SERIES_BUCKETS, { message: `bucket must be one of ${SERIES_BUCKETS.join(', ')}` }),
    customerId: customerId.optional(),
    type: z.string().min(1).max(MAX_TYPE_LENGTH, `type must be at most ${MAX_TYPE_LENGTH} characters`).optional(),
  })
  .strict();

/** The table's cursor: the last row's key (the console's opaque cursor of `[customerId, type]`). */
export const encodeStatsCursor = (key: StatsTableKey): string => encodeCursor([key.customerId, key.type]);

const cursorSchema = z.tuple([z.number().int().min(1).max(Number.MAX_SAFE_INTEGER), z.string().max(MAX_TYPE_LENGTH)]);

function decodeStatsCursor(cursor: string): StatsTableKey | undefined {
  return decodeCursor(cursor, (value) => {
    const parsed = cursorSchema.safeParse(value);
    return parsed.success ? { customerId: parsed.data[0], type: parsed.data[1] } : undefined;
  });
}

/** GET /api/staff/stats/table */
export const tableQuerySchema = z
  .object({
    from: day('from'),
    to: day('to'),
    limit: pageParams.limit,
    cursor: pageParams.cursor
      .unwrap()
      .transform((value, context) => {
        const key = decodeStatsCursor(value);
        if (!key) context.addIssue({ code: 'custom', message: "cursor must be a previous page's nextCursor" });
        return key ?? z.NEVER;
      })
      .optional(),
  })
  .strict();

/** GET /api/staff/stats.csv */
export const csvQuerySchema = z.object({ from: day('from'), to: day('to') }).strict();

/** A text cell as CSV (RFC 4180): quoted when it holds a comma, quote or line break; a leading =, +, -, @, tab or CR is defused with an apostrophe so a spreadsheet shows it as text, never runs it. */
export function csvCell(value: string | number): string {
  if (typeof value === 'number') return String(value);
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
