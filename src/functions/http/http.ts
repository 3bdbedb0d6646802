import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { STATUS_CODES } from 'node:http';
import type { z } from 'zod';
import { ConfigError } from '../../config.js';
import { describeIssues } from '../../domain/shared/issues.js';
import { err, okValue, type Result, type Value } from '../../domain/shared/result.js';

/** Callbacks and API bodies are small; anything bigger is refused before it is read. */
export const MAX_BODY_BYTES = 16 * 1024;

/** An edge's result: the value read from the request, or the answer that refuses it. */
export type HttpResult<T> = Result<Value<T>, { response: HttpResponseInit }>;

export const refuseWith = (status: number, detail: string) => err({ response: problem(status, detail) });

/** An RFC 9457 problem response; `extensions` are extra members (e.g. the id a conflict is with). */
export function problem(status: number, detail: string, extensions: Record<string, unknown> = {}): HttpResponseInit {
  return {
    status,
    headers: { 'content-type': 'application/problem+json' },
    body: JSON.stringify({ type: 'about:blank', title: STATUS_CODES[status] ?? 'Error', status, detail, ...extensions }),
  };
}

/**
 * An area's table of the HTTP status each of its refusals answers with (`{ 'unknown-job': 404 }`),
 * as the function its handlers answer them through.
 */
export function problemsByOutcome<Outcome extends string>(statuses: Record<Outcome, number>) {
  return (outcome: Outcome, detail: string, extensions?: Record<string, unknown>): HttpResponseInit => problem(statuses[outcome], detail, extensions);
}

export function json(status: number, body: unknown): HttpResponseInit {
  return { status, jsonBody: body };
}

/** A request body as it travelled (for signatures) and as text (for parsing). */
export interface RawBody {
  bytes: Buffer;
  /** UTF-8 text without a leading byte-order mark, which JSON and form parsers would choke on. */
  text: string;
}

/**
 * Reads the body chunk by chunk and stops as soon as it passes `maxBytes`, so an oversized or
 * endless body costs at most `maxBytes` of memory and is never read whole; undefined when too large.
 */
async function readAtMost(request: HttpRequest, maxBytes: number): Promise<Buffer | undefined> {
  if (!request.body) return Buffer.alloc(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (let next = await reader.read(); !next.done; next = await reader.read()) {
      size += next.value.byteLength;
      if (size > maxBytes) return undefined;
      chunks.push(next.value);
    }
  } finally {
    // Stops the stream (and what feeds it) when we leave early; a finished stream ignores it.
    await reader.cancel().catch(() => undefined);
  }
  return Buffer.concat(chunks, size);
}

/** The body; `maxBytes` for senders whose bodies can be larger than our own callbacks'. */
export async function readRawBody(request: HttpRequest, maxBytes = MAX_BODY_BYTES): Promise<HttpResult<RawBody>> {
  const tooLarge: HttpResult<RawBody> = refuseWith(413, `body is larger than ${maxBytes} bytes`);
  if (Number(request.headers.get('content-length') ?? 0) > maxBytes) return tooLarge;
  const bytes = await readAtMost(request, maxBytes);
  if (bytes === undefined) return tooLarge;
  return okValue({ bytes, text: bytes.toString('utf8').replace(/^\uFEFF/, '') });
}

/** JSON routes take `application/json` (or a `+json` type); a request without a content type is read as JSON. */
export function requireJsonContent(request: HttpRequest): HttpResult<true> {
  const type = request.headers.get('content-type')?.split(';')[0]?.trim().toLowerCase() ?? '';
  if (type === '' || type === 'application/json' || type.endsWith('+json')) return okValue(true);
  return refuseWith(415, `content-type ${type.slice(0, 60)} is not supported: send application/json`);
}

/**
 * A JSON body checked by content type, size and schema. With `emptyMeans`, a request without a
 * body is read as that JSON text (a route whose fields all have defaults).
 */
export async function readJsonBody<T>(
  request: HttpRequest,
  schema: z.ZodType<T>,
  options: { maxBytes?: number; emptyMeans?: string } = {},
): Promise<HttpResult<T>> {
  const content = requireJsonContent(request);
  if (!content.ok) return content;
  const raw = await readRawBody(request, options.maxBytes);
  if (!raw.ok) return raw;
  const text = options.emptyMeans !== undefined && raw.value.text.trim() === '' ? options.emptyMeans : raw.value.text;
  return parseJson(text, schema);
}

export function parseJson<T>(raw: string, schema: z.ZodType<T>): HttpResult<T> {
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    return refuseWith(400, 'body is not valid JSON');
  }
  const parsed = schema.safeParse(data);
  return parsed.success ? okValue(parsed.data) : refuseWith(400, describeIssues(parsed.error.issues));
}

export function jobIdFrom(request: HttpRequest): HttpResult<number> {
  const raw = request.params.jobId ?? '';
  if (!/^\d{1,10}$/.test(raw) || Number(raw) < 1 || Number(raw) > 2_147_483_647) {
    return refuseWith(400, `jobId must be a positive whole number, not "${raw.slice(0, 20)}"`);
  }
  return okValue(Number(raw));
}

/** Turns an unexpected failure into a 5xx problem without leaking its internals to the caller. */
export async function answer(context: InvocationContext, handle: () => Promise<HttpResponseInit>): Promise<HttpResponseInit> {
  try {
    return await handle();
  } catch (error) {
    if (error instanceof ConfigError) {
      context.error(error.message);
      return problem(503, 'the service is not configured correctly; the operator has been told');
    }
    context.error(`${context.functionName} failed: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
    return problem(500, 'the request could not be completed; it is safe to retry');
  }
}
