import { MysqlGatewayRegistry } from '../adapters/mysql/gatewayRegistry.js';
import { addChannelGateway, listChannels, updateChannelGateway } from '../domain/channels/channelsApi.js';
import type { Channel, GatewayName, GatewayRouteChange } from '../domain/channels/ports.js';
import type { Infrastructure } from '../infrastructure.js';

/** Channels: which gateway carries which channel, in what order. */
export function channelsModule(infra: Pick<Infrastructure, 'ledgerPool' | 'gateways'>) {
  const channels = { registry: new MysqlGatewayRegistry(infra.ledgerPool), gateways: infra.gateways };
  return {
    listChannels: () => listChannels(channels),
    addChannelGateway: (channel: Channel, input: { gateway: GatewayName; priority: number }) => addChannelGateway(channels, channel, input),
    updateChannelGateway: (channel: Channel, gateway: GatewayName, change: GatewayRouteChange) => updateChannelGateway(channels, channel, gateway, change),
  };
}
