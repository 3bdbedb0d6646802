import type { HttpRequest } from '@azure/functions';
import type { z } from 'zod';
import { verifyVonageMessagesJwt } from '../../adapters/signatures/vonageMessagesSignature.js';
import { webhookSecret } from '../../config.js';
import { parseJson, readRawBody, requireJsonContent, refuseWith, type HttpResult } from './http.js';
import type { WebhookAuthSettings } from './vonageWebhook.js';

/**
 * Reads one Messages API webhook: JSON only, the signature (a JWT over the exact body) checked
 * as the SMS API webhooks' is (unsigned only where a local host allows it), then the schema.
 */
export async function readVonageMessagesWebhook<S extends z.ZodType>(
  request: HttpRequest,
  settings: WebhookAuthSettings,
  schema: S,
  now: Date,
): Promise<HttpResult<z.output<S>>> {
  const content = requireJsonContent(request);
  if (!content.ok) return content;
  const raw = await readRawBody(request);
  if (!raw.ok) return raw;
  const secret = webhookSecret(settings);
  if (secret !== null) {
    const check = verifyVonageMessagesJwt(request.headers.get('authorization'), raw.value.bytes, secret, now.getTime() / 1000);
    if (!check.ok) return refuseWith(401, check.detail);
  }
  return parseJson(raw.value.text, schema) as HttpResult<z.output<S>>;
}
