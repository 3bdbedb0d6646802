import type { HttpRequest, InvocationContext } from '@azure/functions';
import type { z } from 'zod';
import { verifyVonageSignature } from '../../adapters/vonage/webhookSignature.js';
import { webhookSecret, type AppConfig } from '../../config.js';
import { problem, readRawBody, type Parsed } from './http.js';

/** More parameters than any Vonage webhook has; a bigger set is not from Vonage. */
const MAX_PARAMS = 64;

function fromJson(raw: string): Parsed<Array<[string, string]>> {
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    return { ok: false, response: problem(400, 'body is not valid JSON') };
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return { ok: false, response: problem(400, 'body must be a JSON object of Vonage webhook parameters') };
  }
  const pairs: Array<[string, string]> = [];
  for (const [name, value] of Object.entries(data)) {
    if (value === null || value === undefined) continue;
    if (typeof value === 'object') return { ok: false, response: problem(400, `${name}: must be a string, not an object or array`) };
    pairs.push([name, String(value)]);
  }
  return { ok: true, value: pairs };
}

function bodyPairs(contentType: string, raw: string): Parsed<Array<[string, string]>> {
  if (raw.trim() === '') return { ok: true, value: [] };
  const type = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  if (type === 'application/json' || type.endsWith('+json') || (type === '' && raw.trimStart().startsWith('{'))) return fromJson(raw);
  if (type === 'application/x-www-form-urlencoded' || type === '') return { ok: true, value: [...new URLSearchParams(raw)] };
  return { ok: false, response: problem(415, `content-type ${type} is not supported: send application/x-www-form-urlencoded or application/json`) };
}

/**
 * A Vonage SMS webhook's parameters, from the query string and the body (form or JSON) together,
 * as Vonage can be set to send them either way. A name given twice is refused: the signature
 * covers one value per name, so a second one would be unsigned.
 */
export async function readVonageParams(request: HttpRequest): Promise<Parsed<Record<string, string>>> {
  const raw = await readRawBody(request);
  if (!raw.ok) return raw;
  const body = bodyPairs(request.headers.get('content-type') ?? '', raw.value.text);
  if (!body.ok) return body;
  const pairs = [...request.query, ...body.value];
  if (pairs.length > MAX_PARAMS) return { ok: false, response: problem(400, `more than ${MAX_PARAMS} parameters`) };
  const seen = new Set<string>();
  for (const [name] of pairs) {
    if (seen.has(name)) return { ok: false, response: problem(400, `parameter ${name.slice(0, 40)} is given more than once`) };
    seen.add(name);
  }
  return { ok: true, value: Object.fromEntries(pairs) };
}

/** The settings that decide how a Vonage webhook is authenticated. */
export type WebhookAuthSettings = Pick<AppConfig, 'VONAGE_SIGNATURE_SECRET' | 'ALLOW_UNSIGNED_WEBHOOKS'>;

/** Only requests Vonage signed (SHA-256 HMAC) within 300 s pass, unless a local host allows unsigned ones (webhookSecret). */
export function checkVonageSignature(params: Record<string, string>, settings: WebhookAuthSettings, nowSeconds = Date.now() / 1000): Parsed<true> {
  const secret = webhookSecret(settings);
  if (secret === null) return { ok: true, value: true };
  const check = verifyVonageSignature(params, secret, nowSeconds);
  return check.ok ? { ok: true, value: true } : { ok: false, response: problem(401, check.detail) };
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
): Parsed<z.output<S>> {
  const parsed = schema.safeParse(params);
  if (parsed.success) return { ok: true, value: parsed.data };
  const malformed = [...new Set(parsed.error.issues.map((issue) => String(issue.path[0] ?? '')))].filter((name) => name in params);
  const withoutMalformed = schema.safeParse(Object.fromEntries(Object.entries(params).filter(([name]) => !malformed.includes(name))));
  if (withoutMalformed.success) {
    onIgnored(malformed);
    return { ok: true, value: withoutMalformed.data };
  }
  const detail = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'parameters'}: ${issue.message}`).join('; ');
  return { ok: false, response: problem(400, detail) };
}

/** Reads, authenticates and validates one Vonage webhook request. */
export async function readVonageWebhook<S extends z.ZodType>(
  request: HttpRequest,
  settings: WebhookAuthSettings,
  schema: S,
  context: InvocationContext,
): Promise<Parsed<z.output<S>>> {
  const params = await readVonageParams(request);
  if (!params.ok) return params;
  const signature = checkVonageSignature(params.value, settings);
  if (!signature.ok) return signature;
  return parseVonageParams(schema, params.value, (names) =>
    context.warn(`${context.functionName}: ignored malformed optional parameter(s) ${names.join(', ')}`),
  );
}
