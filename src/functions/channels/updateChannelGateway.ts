import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import { getRelay } from '../../processRelay.js';
import { answer, json, readJsonBody } from '../http/http.js';
import { changeGatewaySchema, channelFrom, gatewayFrom } from './channelSchemas.js';
import { channelProblem } from './channelProblems.js';

/** PATCH /api/channels/{channel}/gateways/{gateway} `{priority?, enabled?}`: 404 for a pair that does not exist. */
export async function updateChannelGatewayHandler(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  return answer(context, async () => {
    const channel = channelFrom(request.params.channel);
    if (!channel.ok) return channel.response;
    const gateway = gatewayFrom(request.params.gateway, channel.value);
    if (!gateway.ok) return gateway.response;
    const body = await readJsonBody(request, changeGatewaySchema);
    if (!body.ok) return body.response;
    const relay = await getRelay();
    const result = await relay.updateChannelGateway(channel.value, gateway.value, body.value);
    if (result.outcome === 'not-found') return channelProblem('not-found', result.detail);
    return json(200, { channel: result.channel, ...result.gateway });
  });
}

app.http('updateChannelGateway', { route: 'channels/{channel}/gateways/{gateway}', methods: ['PATCH'], authLevel: 'function', handler: updateChannelGatewayHandler });
