import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import { getRelay } from '../../processRelay.js';
import { answer } from '../http/http.js';
import { rateLimited } from '../http/clientRateLimit.js';
import { customerPageHtml, DONE_NOTICES, type DoneNotice } from './pageHtml.js';
import { customerPageLimiter, notFound, pageResponse, tokenOf } from './pageResponses.js';

/** GET /api/t/{token}: the customer's page of their job; an unknown, malformed or expired token is a plain 404 page. */
export async function customerPageHandler(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  return answer(context, async () => {
    const token = tokenOf(request);
    const rendered = await (await getRelay()).showCustomerPage(token);
    if (!rendered) return notFound();
    const done = request.query.get('done');
    const notice = done !== null && Object.hasOwn(DONE_NOTICES, done) ? (done as DoneNotice) : undefined;
    return pageResponse(200, customerPageHtml(rendered.view, { ...(notice ? { notice } : {}), form: { pagePath: `/api/t/${token}`, formToken: rendered.formToken } }));
  });
}

app.http('customerPage', { route: 't/{token}', methods: ['GET'], authLevel: 'anonymous', handler: rateLimited(customerPageHandler, customerPageLimiter) });
