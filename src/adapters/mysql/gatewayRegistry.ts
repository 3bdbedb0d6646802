import type { ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import type { Channel, GatewayName, GatewayRegistry, GatewayRoute, GatewayRouteChange } from '../../domain/channels/ports.js';
import type { MysqlPool } from './pool.js';

/**
 * How long `routeFor` answers from the rows it read last. The table is tiny and read for every
 * message, so it is read whole; another instance's change shows here within this time.
 */
export const ROUTE_CACHE_MS = 5_000;

const COLUMNS = 'channel, gateway, priority, enabled';

function toRoute(row: RowDataPacket): GatewayRoute {
  return { channel: row.channel as Channel, gateway: row.gateway as GatewayName, priority: Number(row.priority), enabled: Number(row.enabled) === 1 };
}

/** The ledger's `notification_gateways` table. */
export class MysqlGatewayRegistry implements GatewayRegistry {
  private cached: { at: number; routes: Promise<GatewayRoute[]> } | undefined;

  constructor(
    private readonly pool: MysqlPool,
    private readonly cacheMs = ROUTE_CACHE_MS,
    private readonly now: () => number = Date.now,
  ) {}

  async list(): Promise<GatewayRoute[]> {
    const [rows] = await this.pool.query<RowDataPacket[]>(`SELECT ${COLUMNS} FROM notification_gateways ORDER BY channel, priority, gateway`);
    return rows.map(toRoute);
  }

  async add(route: Omit<GatewayRoute, 'enabled'>): Promise<{ outcome: 'added'; route: GatewayRoute } | { outcome: 'exists'; route: GatewayRoute }> {
    const [result] = await this.pool.query<ResultSetHeader>(
      `INSERT IGNORE INTO notification_gateways (channel, gateway, priority, enabled, created_at, updated_at)
       VALUES (?, ?, ?, 1, UTC_TIMESTAMP(3), UTC_TIMESTAMP(3))`,
      [route.channel, route.gateway, route.priority],
    );
    this.cached = undefined;
    if (result.affectedRows === 1) return { outcome: 'added', route: { ...route, enabled: true } };
    const existing = await this.get(route.channel, route.gateway);
    // INSERT IGNORE only skips a duplicate key here, so the row is there.
    return { outcome: 'exists', route: existing! };
  }

  async update(channel: Channel, gateway: GatewayName, change: GatewayRouteChange): Promise<GatewayRoute | undefined> {
    const assignments: Array<[string, number]> = [];
    if (change.priority !== undefined) assignments.push(['priority = ?', change.priority]);
    if (change.enabled !== undefined) assignments.push(['enabled = ?', change.enabled ? 1 : 0]);
    if (assignments.length > 0) {
      await this.pool.query(
        `UPDATE notification_gateways SET ${assignments.map(([sql]) => sql).join(', ')}, updated_at = UTC_TIMESTAMP(3) WHERE channel = ? AND gateway = ?`,
        [...assignments.map(([, value]) => value), channel, gateway],
      );
      this.cached = undefined;
    }
    return this.get(channel, gateway);
  }

  async routeFor(channel: Channel): Promise<GatewayName[]> {
    const now = this.now();
    if (!this.cached || now - this.cached.at >= this.cacheMs) {
      const routes = this.list();
      this.cached = { at: now, routes };
      // A failed read is not kept: the next call reads again.
      routes.catch(() => {
        if (this.cached?.routes === routes) this.cached = undefined;
      });
    }
    const routes = await this.cached.routes;
    return routes.filter((route) => route.channel === channel && route.enabled).map((route) => route.gateway);
  }

  async seed(routes: ReadonlyArray<Omit<GatewayRoute, 'enabled'>>): Promise<void> {
    if (routes.length === 0) return;
    await this.pool.query(
      'INSERT IGNORE INTO notification_gateways (channel, gateway, priority, enabled, created_at, updated_at) VALUES ?',
      [routes.map((route) => [route.channel, route.gateway, route.priority, 1, new Date(), new Date()])],
    );
    this.cached = undefined;
  }

  private async get(channel: Channel, gateway: GatewayName): Promise<GatewayRoute | undefined> {
    const [rows] = await this.pool.query<RowDataPacket[]>(`SELECT ${COLUMNS} FROM notification_gateways WHERE channel = ? AND gateway = ?`, [channel, gateway]);
    return rows[0] ? toRoute(rows[0]) : undefined;
  }
}
