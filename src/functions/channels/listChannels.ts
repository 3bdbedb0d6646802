import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import { getRelay } from '../../processRelay.js';
import { answer, json } from '../http/http.js';

/** GET /api/channels: every channel with its gateways in the order they are tried, and whether each has its settings. */
export async function listChannelsHandler(_request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  return answer(context, async () => {
    const relay = await getRelay();
    return json(200, { channels: await relay.listChannels() });
  });
}

app.http('listChannels', { route: 'channels', methods: ['GET'], authLevel: 'function', handler: listChannelsHandler });
