import { MysqlGatewayRegistry } from '../adapters/mysql/gatewayRegistry.js';
import { addChannelGateway, listChannels, updateChannelGateway, type ChannelsDeps } from '../domain/channels/channelsApi.js';
import type { Channel, GatewayName, GatewayRouteChange } from '../domain/channels/ports.js';
import type { Infrastructure } from '../infrastructure.js';

/**
 * The one gateway registry of a worker with its configured gateways: the registry caches routes and
 * problems, so sending and the channels API must share it for a change to take effect at once.
 */
export function channelRoutes(infra: Pick<Infrastructure, 'ledgerPool' | 'gateways' | 'clock'>): ChannelsDeps {
  return { registry: new MysqlGatewayRegistry(infra.ledgerPool), gateways: infra.gateways, clock: infra.clock };
}

/** Channels: which gateway carries which channel, in what order. */
export function channelsModule(routes: ChannelsDeps) {
  return {
    listChannels: () => listChannels(routes),
    addChannelGateway: (channel: Channel, input: { gateway: GatewayName; priority: number }) => addChannelGateway(routes, channel, input),
    updateChannelGateway: (channel: Channel, gateway: GatewayName, change: GatewayRouteChange) => updateChannelGateway(routes, channel, gateway, change),
  };
}
