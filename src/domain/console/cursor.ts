import type { Slice } from './ports.js';

/**
 * A list's cursor: the key of the last item of the page, as opaque base64url JSON. The client
 * hands it back unchanged; a cursor that does not decode to the key's shape is refused (400).
 */
export function encodeCursor(key: unknown): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

export function decodeCursor<T>(cursor: string, read: (value: unknown) => T | undefined): T | undefined {
  try {
    return read(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
  } catch {
    return undefined;
  }
}

/** A page of a list: its items and the cursor of the next page (null on the last). */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export function pageOf<T>(slice: Slice<T>, keyOf: (last: T) => unknown): Page<T> {
  const last = slice.items.at(-1);
  return { items: slice.items, nextCursor: slice.more && last !== undefined ? encodeCursor(keyOf(last)) : null };
}

/** A cursor of a time and an id (`[ISO time, id]`), as messages and inbox pages use. */
export function readTimeKey(value: unknown): { at: Date; id: string } | undefined {
  if (!Array.isArray(value) || value.length !== 2 || typeof value[0] !== 'string' || typeof value[1] !== 'string') return undefined;
  const at = new Date(value[0]);
  return Number.isNaN(at.getTime()) || value[1].length > 191 ? undefined : { at, id: value[1] };
}
