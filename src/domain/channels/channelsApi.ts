import {
  CHANNELS,
  type Channel,
  type ConfiguredGateways,
  type GatewayName,
  type GatewayProblem,
  type GatewayRegistry,
  type GatewayRoute,
  type GatewayRouteChange,
} from './ports.js';
import type { Clock } from '../shared/ports.js';

/*
 * The channels API (GET /api/channels, POST and PATCH of a channel's gateways). The edge checks
 * shapes (a known channel and gateway name, a priority in PRIORITY_RANGE); the rules that need
 * what the gateways can carry or the registry are here.
 */

export interface ChannelsDeps {
  registry: GatewayRegistry;
  gateways: ConfiguredGateways;
  clock: Clock;
}

export interface ChannelGatewayView {
  gateway: GatewayName;
  priority: number;
  enabled: boolean;
  /** Whether this deployment has the settings (credentials, sender) the gateway needs for the channel. */
  configured: boolean;
  /** False while the gateway fails for its own sake (credentials refused, not enabled, suspended) until it takes a message again. */
  healthy: boolean;
  /** Its latest fault while unhealthy, and since when it has been failing. */
  problem: { errorCode: string; detail: string; since: string } | null;
}

export interface ChannelView {
  channel: Channel;
  gateways: ChannelGatewayView[];
}

function view(deps: ChannelsDeps, route: GatewayRoute, problems: readonly GatewayProblem[]): ChannelGatewayView {
  const problem = problems.find((p) => p.channel === route.channel && p.gateway === route.gateway);
  return {
    gateway: route.gateway,
    priority: route.priority,
    enabled: route.enabled,
    configured: deps.gateways.get(route.channel, route.gateway) !== undefined,
    healthy: problem === undefined,
    problem: problem ? { errorCode: problem.errorCode, detail: problem.detail, since: problem.since.toISOString() } : null,
  };
}

/** Every channel, with no gateway too, and its gateways in the order they are tried, with their health. */
export async function listChannels(deps: ChannelsDeps): Promise<ChannelView[]> {
  const [routes, problems] = await Promise.all([deps.registry.list(), deps.registry.problems()]);
  return CHANNELS.map((channel) => ({
    channel,
    gateways: routes
      .filter((route) => route.channel === channel)
      .sort((a, b) => a.priority - b.priority || a.gateway.localeCompare(b.gateway))
      .map((route) => view(deps, route, problems)),
  }));
}

export type AddChannelGatewayResult =
  | { outcome: 'added'; channel: Channel; gateway: ChannelGatewayView }
  | { outcome: 'exists'; detail: string }
  | { outcome: 'cannot-carry'; detail: string };

export async function addChannelGateway(deps: ChannelsDeps, channel: Channel, input: { gateway: GatewayName; priority: number }): Promise<AddChannelGatewayResult> {
  const carries = deps.gateways.channelsOf(input.gateway);
  if (!carries.includes(channel)) {
    return { outcome: 'cannot-carry', detail: `gateway ${input.gateway} cannot carry ${channel}; it carries ${carries.join(', ')}` };
  }
  const added = await deps.registry.add({ channel, gateway: input.gateway, priority: input.priority }, deps.clock.now());
  if (added.outcome === 'exists') {
    return { outcome: 'exists', detail: `${channel} already has gateway ${input.gateway} (priority ${added.route.priority}); change it with PATCH` };
  }
  return { outcome: 'added', channel, gateway: view(deps, added.route, await deps.registry.problems()) };
}

export type UpdateChannelGatewayResult = { outcome: 'updated'; channel: Channel; gateway: ChannelGatewayView } | { outcome: 'not-found'; detail: string };

export async function updateChannelGateway(deps: ChannelsDeps, channel: Channel, gateway: GatewayName, change: GatewayRouteChange): Promise<UpdateChannelGatewayResult> {
  const updated = await deps.registry.update(channel, gateway, change, deps.clock.now());
  if (!updated) return { outcome: 'not-found', detail: `${channel} has no gateway ${gateway}; add it with POST /api/channels/${channel}/gateways` };
  return { outcome: 'updated', channel, gateway: view(deps, updated, await deps.registry.problems()) };
}

/** Start-up: the default routes of the gateways this deployment has settings for, added only where missing. */
export async function seedDefaultRoutes(deps: ChannelsDeps): Promise<void> {
  await deps.registry.seed(deps.gateways.defaultRoutes.filter((route) => deps.gateways.get(route.channel, route.gateway) !== undefined), deps.clock.now());
}
