import type { HttpRequest } from '@azure/functions';
import { z } from 'zod';
import { describeIssues } from '../../domain/shared/issues.js';
import { okValue } from '../../domain/shared/result.js';
import { refuseWith, type HttpResult } from '../http/http.js';

/** Every console list: `limit` 1..100 (default 50) and the previous page's `cursor`. */
export const pageParams = {
  limit: z.coerce.number({ message: 'limit must be a whole number from 1 to 100' }).int('limit must be a whole number from 1 to 100').min(1, 'limit must be a whole number from 1 to 100').max(100, 'limit must be a whole number from 1 to 100').default(50),
  cursor: z.string().min(1).max(500).optional(),
};

/** A list's query string by its strict schema: an unknown parameter or a bad value is a 400 naming it. */
export function readQuery<T>(request: HttpRequest, schema: z.ZodType<T>): HttpResult<T> {
  const parsed = schema.safeParse(Object.fromEntries(request.query));
  return parsed.success ? okValue(parsed.data) : refuseWith(400, describeIssues(parsed.error.issues));
}

/** The page a console list answers with: its items under their name, and the next page's cursor. */
export function pageBody<T>(name: string, page: { items: T[]; nextCursor: string | null }, show: (item: T) => unknown): Record<string, unknown> {
  return { [name]: page.items.map(show), nextCursor: page.nextCursor };
}
