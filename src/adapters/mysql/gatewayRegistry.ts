import type { ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import type { Channel, GatewayName, GatewayProblem, GatewayRegistry, GatewayRoute, GatewayRouteChange } from '../../domain/channels/ports.js';
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

/** One read shared by every caller within `ms` of it; a failed read is not kept, so the next call reads again. */
class TimedRead<T> {
  private cached: { at: number; value: Promise<T> } | undefined;

  constructor(
    private readonly read: () => Promise<T>,
    private readonly ms: number,
    private readonly now: () => number,
  ) {}

  get(): Promise<T> {
    const now = this.now();
    if (!this.cached || now - this.cached.at >= this.ms) {
      const value = this.read();
      this.cached = { at: now, value };
      value.catch(() => {
        if (this.cached?.value === value) this.cached = undefined;
      });
    }
    return this.cached.value;
  }

  clear(): void {
    this.cached = undefined;
  }
}

/** The ledger's `notification_gateways` table, and `gateway_health` for the gateways failing for their own sake. */
export class MysqlGatewayRegistry implements GatewayRegistry {
  private readonly routes: TimedRead<GatewayRoute[]>;
  private readonly recentProblems: TimedRead<GatewayProblem[]>;

  constructor(
    private readonly pool: MysqlPool,
    cacheMs = ROUTE_CACHE_MS,
    // The cache's age is elapsed time on this instance, not a moment of the domain: a monotonic clock.
    now: () => number = () => performance.now(),
  ) {
    this.routes = new TimedRead(() => this.list(), cacheMs, now);
    // A healthy gateway's sends then cost no query at all.
    this.recentProblems = new TimedRead(() => this.problems(), cacheMs, now);
  }

  async list(): Promise<GatewayRoute[]> {
    const [rows] = await this.pool.query<RowDataPacket[]>(`SELECT ${COLUMNS} FROM notification_gateways ORDER BY channel, priority, gateway`);
    return rows.map(toRoute);
  }

  async add(route: Omit<GatewayRoute, 'enabled'>, at: Date): Promise<{ outcome: 'added'; route: GatewayRoute } | { outcome: 'exists'; route: GatewayRoute }> {
    const [result] = await this.pool.query<ResultSetHeader>(
      `INSERT IGNORE INTO notification_gateways (channel, gateway, priority, enabled, created_at, updated_at)
       VALUES (?, ?, ?, 1, ?, ?)`,
      [route.channel, route.gateway, route.priority, at, at],
    );
    this.routes.clear();
    if (result.affectedRows === 1) return { outcome: 'added', route: { ...route, enabled: true } };
    const existing = await this.get(route.channel, route.gateway);
    // INSERT IGNORE only skips a duplicate key here, so the row is there.
    return { outcome: 'exists', route: existing! };
  }

  async update(channel: Channel, gateway: GatewayName, change: GatewayRouteChange, at: Date): Promise<GatewayRoute | undefined> {
    const assignments: Array<[string, number | Date]> = [];
    if (change.priority !== undefined) assignments.push(['priority = ?', change.priority]);
    if (change.enabled !== undefined) assignments.push(['enabled = ?', change.enabled ? 1 : 0]);
    if (assignments.length > 0) {
      await this.pool.query(
        `UPDATE notification_gateways SET ${assignments.map(([sql]) => sql).join(', ')}, updated_at = ? WHERE channel = ? AND gateway = ?`,
        [...assignments.map(([, value]) => value), at, channel, gateway],
      );
      this.routes.clear();
    }
    return this.get(channel, gateway);
  }

  async routeFor(channel: Channel): Promise<GatewayName[]> {
    const routes = await this.routes.get();
    return routes.filter((route) => route.channel === channel && route.enabled).map((route) => route.gateway);
  }

  async seed(routes: ReadonlyArray<Omit<GatewayRoute, 'enabled'>>, at: Date): Promise<void> {
    if (routes.length === 0) return;
    await this.pool.query(
      'INSERT IGNORE INTO notification_gateways (channel, gateway, priority, enabled, created_at, updated_at) VALUES ?',
      [routes.map((route) => [route.channel, route.gateway, route.priority, 1, at, at])],
    );
    this.routes.clear();
  }

  async recordHealth(channel: Channel, gateway: GatewayName, fault: { errorCode: string; detail: string; at: Date } | null): Promise<void> {
    const known = (await this.recentProblems.get()).find((problem) => problem.channel === channel && problem.gateway === gateway);
    if (fault === null) {
      if (!known) return;
      await this.pool.query('DELETE FROM gateway_health WHERE channel = ? AND gateway = ?', [channel, gateway]);
    } else {
      if (known?.errorCode === fault.errorCode) return;
      // The first fault's time stays while the gateway keeps failing, whatever the latest fault is.
      await this.pool.query(
        `INSERT INTO gateway_health (channel, gateway, error_code, detail, unhealthy_since, updated_at) VALUES (?, ?, ?, ?, ?, ?)
         ON DUPLICATE KEY UPDATE error_code = VALUES(error_code), detail = VALUES(detail), updated_at = VALUES(updated_at)`,
        [channel, gateway, fault.errorCode.slice(0, 32), fault.detail.slice(0, 255), fault.at, fault.at],
      );
    }
    this.recentProblems.clear();
  }

  async problems(): Promise<GatewayProblem[]> {
    const [rows] = await this.pool.query<RowDataPacket[]>('SELECT channel, gateway, error_code, detail, unhealthy_since FROM gateway_health ORDER BY channel, gateway');
    return rows.map((row) => ({
      channel: row.channel as Channel,
      gateway: row.gateway as GatewayName,
      errorCode: String(row.error_code),
      detail: String(row.detail),
      since: row.unhealthy_since as Date,
    }));
  }

  private async get(channel: Channel, gateway: GatewayName): Promise<GatewayRoute | undefined> {
    const [rows] = await this.pool.query<RowDataPacket[]>(`SELECT ${COLUMNS} FROM notification_gateways WHERE channel = ? AND gateway = ?`, [channel, gateway]);
    return rows[0] ? toRoute(rows[0]) : undefined;
  }
}
