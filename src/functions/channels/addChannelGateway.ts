import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import { getRelay } from '../../processRelay.js';
import { answer, json, readJsonBody } from '../http/http.js';
import { addGatewaySchema, channelFrom } from './channelSchemas.js';
import { channelProblem } from './channelProblems.js';

/** POST /api/channels/{channel}/gateways `{gateway, priority}`: 201; 409 for a pair that exists; 422 for a gateway that cannot carry the channel. */
export async function addChannelGatewayHandler(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  return answer(context, async () => {
    const channel = channelFrom(request.params.channel);
    if (!channel.ok) return channel.response;
    const body = await readJsonBody(request, addGatewaySchema);
    if (!body.ok) return body.response;
    const relay = await getRelay();
    const result = await relay.addChannelGateway(channel.value, body.value);
    if (result.outcome === 'exists') return channelProblem('exists', result.detail);
    if (result.outcome === 'cannot-carry') return channelProblem('cannot-carry', result.detail);
    return { ...json(201, { channel: result.channel, ...result.gateway }), headers: { location: `/api/channels/${result.channel}/gateways/${result.gateway.gateway}` } };
  });
}

app.http('addChannelGateway', { route: 'channels/{channel}/gateways', methods: ['POST'], authLevel: 'function', handler: addChannelGatewayHandler });
