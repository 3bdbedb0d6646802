import type { HttpRequest } from '@azure/functions';
import type { z } from 'zod';
import { verifyVonageMessagesJwt } from '../../adapters/signatures/vonageMessagesSignature.js';
import { parseJson, problem, readRawBody, requireJsonContent, type Parsed } from './http.js';

/**
 * Reads one Messages API webhook: JSON only, the signature (a JWT over the exact body) checked
 * when a secret is configured, as the SMS API webhooks are, then the schema.
 */
export async function readVonageMessagesWebhook<S extends z.ZodType>(
  request: HttpRequest,
  secret: string | undefined,
  schema: S,
  nowSeconds = Date.now() / 1000,
): Promise<Parsed<z.output<S>>> {
  const content = requireJsonContent(request);
  if (!content.ok) return content;
  const raw = await readRawBody(request);
  if (!raw.ok) return raw;
  if (secret) {
    const check = verifyVonageMessagesJwt(request.headers.get('authorization'), raw.value.bytes, secret, nowSeconds);
    if (!check.ok) return { ok: false, response: problem(401, check.detail) };
  }
  return parseJson(raw.value.text, schema) as Parsed<z.output<S>>;
}
