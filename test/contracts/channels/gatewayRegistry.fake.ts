import type { Channel, GatewayName, GatewayRegistry, GatewayRoute, GatewayProblem, GatewayRouteChange } from '../../../src/domain/channels/ports.js';

export class FakeGatewayRegistry implements GatewayRegistry {
  readonly routes: GatewayRoute[] = [];

  private find(channel: Channel, gateway: GatewayName): GatewayRoute | undefined {
    return this.routes.find((route) => route.channel === channel && route.gateway === gateway);
  }

  async list(): Promise<GatewayRoute[]> {
    return [...this.routes]
      .sort((a, b) => (a.channel < b.channel ? -1 : a.channel > b.channel ? 1 : a.priority - b.priority || (a.gateway < b.gateway ? -1 : a.gateway > b.gateway ? 1 : 0)))
      .map((route) => ({ ...route }));
  }

  async add(route: Omit<GatewayRoute, 'enabled'>): Promise<{ outcome: 'added'; route: GatewayRoute } | { outcome: 'exists'; route: GatewayRoute }> {
    const existing = this.find(route.channel, route.gateway);
    if (existing) return { outcome: 'exists', route: { ...existing } };
    this.routes.push({ ...route, enabled: true });
    return { outcome: 'added', route: { ...route, enabled: true } };
  }

  async update(channel: Channel, gateway: GatewayName, change: GatewayRouteChange): Promise<GatewayRoute | undefined> {
    const route = this.find(channel, gateway);
    if (!route) return undefined;
    if (change.priority !== undefined) route.priority = change.priority;
    if (change.enabled !== undefined) route.enabled = change.enabled;
    return { ...route };
  }

  async routeFor(channel: Channel): Promise<GatewayName[]> {
    return (await this.list()).filter((route) => route.channel === channel && route.enabled).map((route) => route.gateway);
  }

  async seed(routes: ReadonlyArray<Omit<GatewayRoute, 'enabled'>>): Promise<void> {
    for (const route of routes) await this.add(route);
  }

  readonly unhealthy = new Map<string, GatewayProblem>();

  async recordHealth(channel: Channel, gateway: GatewayName, fault: { errorCode: string; detail: string; at: Date } | null): Promise<void> {
    const key = `${channel}/${gateway}`;
    if (fault === null) {
      this.unhealthy.delete(key);
      return;
    }
    const since = this.unhealthy.get(key)?.since ?? fault.at;
    this.unhealthy.set(key, { channel, gateway, errorCode: fault.errorCode.slice(0, 32), detail: fault.detail.slice(0, 255), since });
  }

  async problems(): Promise<GatewayProblem[]> {
    return [...this.unhealthy.values()].sort((a, b) => (`${a.channel}/${a.gateway}` < `${b.channel}/${b.gateway}` ? -1 : 1)).map((problem) => ({ ...problem }));
  }
}
