import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { ClientRateLimiter, type RateLimitSettings } from '../http/clientRateLimit.js';
import { forbiddenPage, notFoundPage } from './pageHtml.js';

/*
 * What every answer of the customer page carries: no caching, no indexing, no referrer (the token
 * is in the URL), no framing, and a policy that allows the page's own style sheet and script only.
 */
const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': "default-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-robots-tag': 'noindex, nofollow',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
};

export function pageResponse(status: number, body: string): HttpResponseInit {
  return { status, headers: { ...PAGE_HEADERS }, body };
}

export const notFound = (): HttpResponseInit => pageResponse(404, notFoundPage());
export const forbidden = (): HttpResponseInit => pageResponse(403, forbiddenPage());

/** POST/redirect/GET: back to the page, which shows what the form did. */
export function backToPage(token: string, done: string): HttpResponseInit {
  return { status: 303, headers: { ...PAGE_HEADERS, location: `/api/t/${token}?done=${done}` }, body: '' };
}

/**
 * Stricter than the other anonymous routes: a customer opens their page and sends a form or two,
 * so 30 requests at once and one every two seconds after that is plenty, while someone trying
 * tokens gets 30 answers (each a 404) and then 429 for every further one.
 */
export const CUSTOMER_PAGE_LIMIT: RateLimitSettings = { burst: 30, perSecond: 0.5, maxClients: 10_000 };
export const customerPageLimiter = new ClientRateLimiter(CUSTOMER_PAGE_LIMIT);

/** The token as the route gave it; its form is checked by the domain (a malformed one opens no page). */
export function tokenOf(request: HttpRequest): string {
  return (request.params.token ?? '').slice(0, 64);
}

/**
 * Whether a form came from a page of this app: a browser says where a request came from in
 * Sec-Fetch-Site, and in Origin, which is "null" here because the page sends no referrer. Either
 * naming another site refuses the form; the form token is what every form must carry regardless.
 */
export function fromThisSite(request: HttpRequest, publicBaseUrl: string | undefined): boolean {
  const site = request.headers.get('sec-fetch-site');
  if (site !== null && site !== 'same-origin' && site !== 'none') return false;
  const origin = request.headers.get('origin');
  if (origin === null || origin === 'null') return true;
  return origin === new URL(request.url).origin || origin === publicBaseUrl;
}
