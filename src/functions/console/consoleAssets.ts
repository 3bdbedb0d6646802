import { app, type HttpRequest, type HttpResponseInit } from '@azure/functions';
import { rateLimited } from '../http/clientRateLimit.js';
import { problem } from '../http/http.js';
import { CONSOLE_SECURITY_HEADERS, consoleFile, consoleRoot } from './consoleFiles.js';

const root = consoleRoot();
const PROBLEM_STATUS = { refused: 400, missing: 404, 'not-built': 503 } as const;

/**
 * GET /api/console/{*path}: the staff console's page and hashed assets (anonymous: the page holds no
 * data; the JSON routes it calls decide who may see what; rate-limited per client like every anonymous
 * route). index.html is never cached, so a deploy
 * is picked up at once; hashed assets are cached for a year.
 */
export async function consoleAssetsHandler(request: HttpRequest): Promise<HttpResponseInit> {
  const found = await consoleFile(root, request.params.path ?? '');
  if (found.kind !== 'file') {
    const refusal = problem(PROBLEM_STATUS[found.kind], found.detail);
    return { ...refusal, headers: { ...(refusal.headers as Record<string, string>), ...CONSOLE_SECURITY_HEADERS, 'cache-control': 'no-store' } };
  }
  return {
    status: 200,
    body: found.body,
    headers: { 'content-type': found.contentType, 'cache-control': found.cacheControl, ...CONSOLE_SECURITY_HEADERS },
  };
}

app.http('consoleAssets', { route: 'console/{*path}', methods: ['GET'], authLevel: 'anonymous', handler: rateLimited(consoleAssetsHandler) });
