import type { HttpRequest, InvocationContext } from '@azure/functions';
import type { z } from 'zod';
import { verifyVonageSignature } from '../../adapters/vonage/webhookSignature.js';
import { webhookSecret, type AppConfig } from '../../config.js';
import { readRawBody, refuseWith, type HttpResult } from './http.js';
import { describeIssues } from '../../domain/shared/issues.js';
import { okValue } from '../../domain/shared/result.js';

/** More parameters than any Vonage webhook has; a bigger set is not from Vonage. */
const MAX_PARAMS = 64;

function fromJson(raw: string): HttpResult<Array<[string, string]>> {
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    return refuseWith(400, 'body is not valid JSON');
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return refuseWith(400, 'body must be a JSON object of Vonage webhook parameters');
  }
  const pairs: Array<[string, string]> = [];
  for (const [name, value] of Object.entries(data)) {
    if (value === null || value === undefined) continue;
    if (typeof value === 'object') return refuseWith(400, `${name}: must be a string, not an object or array`);
    pairs.push([name, String(value)]);
  }
  return okValue(pairs);
}

function bodyPairs(contentType: string, raw: string): HttpResult<Array<[string, string]>> {
  if (raw.trim() === '') return okValue([]);
  const type = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  if (type === 'application/json' || type.endsWith('+json') || (type === '' && raw.trimStart().startsWith('{'))) return fromJson(raw);
  if (type === 'application/x-www-form-urlencoded' || type === '') return okValue([...new URLSearchParams(raw)]);
  return refuseWith(415, `content-type ${type} is not supported: send application/x-www-form-urlencoded or application/json`);
}

/**
 * A Vonage SMS webhook's parameters, from the query string and the body (form or JSON) together,
 * as Vonage can be set to send them either way. A name given twice is refused: the signature
 * covers one value per name, so a second one would be unsigned.
 */
export async function readVonageParams(request: HttpRequest): Promise<HttpResult<Record<string, string>>> {
  const raw = await readRawBody(request);
  if (!raw.ok) return raw;
  const body = bodyPairs(request.headers.get('content-type') ?? '', raw.value.text);
  if (!body.ok) return body;
  const pairs = [...request.query, ...body.value];
  if (pairs.length > MAX_PARAMS) return refuseWith(400, `more than ${MAX_PARAMS} parameters`);
  const seen = new Set<string>();
  for (const [name] of pairs) {
    if (seen.has(name)) return refuseWith(400, `parameter ${name.slice(0, 40)} is given more than once`);
    seen.add(name);
  }
  return okValue(Object.fromEntries(pairs));
}

/** The settings that decide how a Vonage webhook is authenticated. */
export type WebhookAuthSettings = Pick<AppConfig, 'VONAGE_SIGNATURE_SECRET' | 'ALLOW_UNSIGNED_WEBHOOKS'>;

/** Only requests Vonage signed (SHA-256 HMAC) within 300 s pass, unless a local host allows unsigned ones (webhookSecret). */
export function checkVonageSignature(params: Record<string, string>, settings: WebhookAuthSettings, now: Date): HttpResult<true> {
  const secret = webhookSecret(settings);
  if (secret === null) return okValue(true);
  const check = verifyVonageSignature(params, secret, now.getTime() / 1000);
  return check.ok ? okValue(true) : refuseWith(401, check.detail);
}

/**
 * Validates a webhook's parameters. Vonage is lenient, so we are too: a malformed parameter the
 * webhook can do without (an optional one) is dropped and reported through `onIgnored`, and only
 * what makes the webhook unusable is refused (400, which Vonage retries for a day).
 */
export function parseVonageParams<S extends z.ZodType>(
  schema: S,
  params: Record<string, string>,
  onIgnored: (names: string[]) => void = () => {},
): HttpResult<z.output<S>> {
  const parsed = schema.safeParse(params);
  if (parsed.success) return okValue(parsed.data);
  const malformed = [...new Set(parsed.error.issues.map((issue) => String(issue.path[0] ?? '')))].filter((name) => name in params);
  const withoutMalformed = schema.safeParse(Object.fromEntries(Object.entries(params).filter(([name]) => !malformed.includes(name))));
  if (withoutMalformed.success) {
    onIgnored(malformed);
    return okValue(withoutMalformed.data);
  }
  return refuseWith(400, describeIssues(parsed.error.issues, { subject: 'parameters' }));
}

/** Reads, authenticates (a signature's age counted to the domain clock's `now`) and validates one Vonage webhook request. */
export async function readVonageWebhook<S extends z.ZodType>(
  request: HttpRequest,
  settings: WebhookAuthSettings,
  schema: S,
  context: InvocationContext,
  now: Date,
): Promise<HttpResult<z.output<S>>> {
  const params = await readVonageParams(request);
  if (!params.ok) return params;
  const signature = checkVonageSignature(params.value, settings, now);
  if (!signature.ok) return signature;
  return parseVonageParams(schema, params.value, (names) =>
    context.warn(`${context.functionName}: ignored malformed optional parameter(s) ${names.join(', ')}`),
  );
}
