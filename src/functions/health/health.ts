import { app, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import { getRelay } from '../../compositionRoot.js';
import { answer, json } from '../http/http.js';

export async function healthHandler(_request: unknown, context: InvocationContext): Promise<HttpResponseInit> {
  return answer(context, async () => {
    const dependencies = await (await getRelay()).checkHealth();
    const healthy = Object.values(dependencies).every((state) => state === 'ok');
    return json(healthy ? 200 : 503, { status: healthy ? 'ok' : 'degraded', dependencies });
  });
}

app.http('health', { route: 'health', methods: ['GET'], authLevel: 'anonymous', handler: healthHandler });
