import { app, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import { getRelay } from '../../processRelay.js';
import { answer, json } from '../http/http.js';
import { rateLimited } from '../http/clientRateLimit.js';

/** How long an answer is reused: anonymous callers, however many, cost one round of probes (three database round trips) per period. */
export const HEALTH_CACHE_MS = 5_000;

let latest: { at: number; answer: Promise<HttpResponseInit> } | undefined;

export async function healthHandler(_request: unknown, context: InvocationContext): Promise<HttpResponseInit> {
  // The cache's age is elapsed time on this instance, not a moment of the domain: a monotonic clock.
  const now = performance.now();
  if (!latest || now - latest.at >= HEALTH_CACHE_MS || now < latest.at) {
    // Callers arriving while the probes run share them; answer() never rejects, so a failure is cached like any answer.
    latest = {
      at: now,
      answer: answer(context, async () => {
        const dependencies = await (await getRelay()).checkHealth();
        const healthy = Object.values(dependencies).every((state) => state === 'ok');
        return json(healthy ? 200 : 503, { status: healthy ? 'ok' : 'degraded', dependencies });
      }),
    };
  }
  return latest.answer;
}

app.http('health', { route: 'health', methods: ['GET'], authLevel: 'anonymous', handler: rateLimited(healthHandler) });
