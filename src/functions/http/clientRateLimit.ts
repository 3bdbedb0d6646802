import type { HttpHandler, HttpRequest } from '@azure/functions';
import { problem } from './http.js';

/*
 * A per-client rate limit for the anonymous routes (health, webhooks, payment callbacks), in process:
 * each Functions instance keeps its own buckets, so the limit scales with the instances and resets
 * when one starts. What it does not do, and Azure Front Door (WAF rate-limit rules, per client IP
 * across every instance and region, before any function runs) or API Management (`rate-limit-by-key`,
 * quotas, body-size limits) would add, is written in docs/security.md.
 */

export interface RateLimitSettings {
  /** Requests a client may make at once after a quiet spell. */
  burst: number;
  /** Requests per second a client gets back. */
  perSecond: number;
  /** Clients remembered at most; the longest quiet is forgotten first, so a flood of addresses costs bounded memory. */
  maxClients: number;
}

/**
 * Generous enough for Vonage's receipts and Stripe's retries, which come from a few provider
 * addresses at the account's send rate (VONAGE_MAX_RPS, 30/s by default); a flood from one
 * address is cut to 50 requests a second.
 */
export const ANONYMOUS_ROUTE_LIMIT: RateLimitSettings = { burst: 200, perSecond: 50, maxClients: 10_000 };

/**
 * The client a request came from, as the App Service front end reports it: the last address of
 * X-Forwarded-For, which the platform appends (a client can put anything before it, not after),
 * without its port. Undefined for a request that did not pass a front end (the local host, tests).
 */
export function clientAddress(request: Pick<HttpRequest, 'headers'>): string | undefined {
  const last = request.headers.get('x-forwarded-for')?.split(',').pop()?.trim();
  if (!last) return undefined;
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(last);
  if (bracketed) return bracketed[1];
  return /^[^:]+:\d+$/.test(last) ? last.slice(0, last.lastIndexOf(':')) : last;
}

/** Token buckets by client: `take` answers whether the client may make one more request now. */
export class ClientRateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly settings: RateLimitSettings,
    // Refill is elapsed time, not a moment of the domain: a monotonic clock.
    private readonly now: () => number = () => performance.now(),
  ) {}

  take(client: string): boolean {
    const now = this.now();
    const bucket = this.buckets.get(client) ?? { tokens: this.settings.burst, at: now };
    bucket.tokens = Math.min(this.settings.burst, bucket.tokens + ((now - bucket.at) / 1000) * this.settings.perSecond);
    bucket.at = now;
    // Re-inserted, the Map's order is least recently seen first.
    this.buckets.delete(client);
    this.buckets.set(client, bucket);
    if (this.buckets.size > this.settings.maxClients) this.buckets.delete(this.buckets.keys().next().value!);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }
}

const anonymousRoutes = new ClientRateLimiter(ANONYMOUS_ROUTE_LIMIT);

/**
 * An anonymous route's handler behind the per-client limit: past it, 429 with Retry-After (which
 * Vonage and Stripe honour by retrying later). All anonymous routes share one bucket per client.
 */
export function rateLimited(handler: HttpHandler, limiter: ClientRateLimiter = anonymousRoutes): HttpHandler {
  return async (request, context) => {
    const client = clientAddress(request);
    if (client === undefined || limiter.take(client)) return handler(request, context);
    const refused = problem(429, 'too many requests from this client; retry after a second');
    return { ...refused, headers: { ...(refused.headers as Record<string, string>), 'retry-after': '1' } };
  };
}
