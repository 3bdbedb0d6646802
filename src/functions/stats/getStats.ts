import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import { getRelay } from '../../processRelay.js';
import { answer, json, problem } from '../http/http.js';
import { parseStatsQuery } from './statsSchemas.js';

/** GET /api/stats?from=YYYY-MM-DD&to=YYYY-MM-DD[&customerId=][&type=][&tz=<IANA>] */
export async function getStatsHandler(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  return answer(context, async () => {
    const parsed = parseStatsQuery(request.query);
    if (!parsed.ok) return problem(400, parsed.detail);
    const relay = await getRelay();
    const result = await relay.queryStats(parsed.query);
    if (!result.ok) return problem(400, result.detail);
    return json(200, { from: result.from, to: result.to, timezone: result.timezone, stats: result.stats });
  });
}

app.http('getStats', { route: 'stats', methods: ['GET'], authLevel: 'function', handler: getStatsHandler });
