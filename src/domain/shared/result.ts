/**
 * What a parse, check or decision gives back instead of throwing: `ok` with what it found, or not
 * `ok` with why. Each use names its own fields (`value`, `detail`, `e164`, `response`, ...) so a
 * caller reads them without unwrapping; most say `{ value }` and refuse with `{ detail }`; a
 * check with nothing to give back is a bare `Result`.
 */
export type Result<Success extends object = object, Failure extends object = Refusal> = ({ ok: true } & Success) | ({ ok: false } & Failure);

/** The usual success: one value. */
export type Value<T> = { value: T };

/** The usual failure: a sentence for the person who sent the input (a problem+json `detail`). */
export type Refusal = { detail: string };

export function ok(): { ok: true };
export function ok<Success extends object>(fields: Success): { ok: true } & Success;
export function ok(fields: object = {}): { ok: true } {
  return { ok: true, ...fields };
}

export function err<Failure extends object>(fields: Failure): { ok: false } & Failure {
  return { ok: false, ...fields };
}

/** The usual success, `{ ok: true, value }`. */
export const okValue = <T>(value: T): { ok: true } & Value<T> => ok({ value });

/** The usual failure, `{ ok: false, detail }`. */
export const refuse = (detail: string): { ok: false } & Refusal => err({ detail });
