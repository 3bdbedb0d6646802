import { expect, it } from 'vitest';
import { MysqlGatewayRegistry } from '../../../src/adapters/mysql/gatewayRegistry.js';
import type { GatewayRegistry } from '../../../src/domain/channels/ports.js';
import { FakeGatewayRegistry } from './gatewayRegistry.fake.js';
import { createLedgerDatabase } from '../../kit/mysql.js';
import { databasePerFile, describeContract, fakeImplementation, mysqlImplementation } from '../harness.js';

/** The write time the domain passes to these writes. */
const AT = new Date('2026-11-23T09:00:00.000Z');

const ledgerDb = databasePerFile(createLedgerDatabase);

describeContract<GatewayRegistry>(
  'GatewayRegistry',
  // No route cache here: the contract is about what is stored (the cache has its own test).
  [fakeImplementation(() => new FakeGatewayRegistry()), mysqlImplementation(ledgerDb, ['notification_gateways', 'gateway_health'], (pool) => new MysqlGatewayRegistry(pool, 0))],
  (subject) => {
    it('marks a gateway unhealthy for a channel, keeping since when it has failed, and healthy again', async () => {
      const registry = subject();
      const first = new Date('2026-03-01T10:00:00.000Z');
      const later = new Date('2026-03-01T10:05:00.000Z');
      expect(await registry.problems()).toEqual([]);
      await registry.recordHealth('sms', 'vonage-messages', { errorCode: 'http-401', detail: 'Vonage Messages API answered HTTP 401', at: first });
      await registry.recordHealth('sms', 'vonage-messages', { errorCode: 'http-403', detail: 'Vonage Messages API answered HTTP 403', at: later });
      await registry.recordHealth('email', 'smtp', { errorCode: 'smtp-535', detail: 'x'.repeat(300), at: later });
      await registry.recordHealth('sms', 'vonage-sms', null);
      expect(await registry.problems()).toEqual([
        { channel: 'email', gateway: 'smtp', errorCode: 'smtp-535', detail: 'x'.repeat(255), since: later },
        { channel: 'sms', gateway: 'vonage-messages', errorCode: 'http-403', detail: 'Vonage Messages API answered HTTP 403', since: first },
      ]);
      await registry.recordHealth('sms', 'vonage-messages', null);
      expect((await registry.problems()).map((p) => p.gateway)).toEqual(['smtp']);
    });

    it('adds a route enabled, and reports an existing pair without changing it', async () => {
      const registry = subject();
      expect(await registry.add({ channel: 'sms', gateway: 'vonage-sms', priority: 3 }, AT)).toEqual({
        outcome: 'added',
        route: { channel: 'sms', gateway: 'vonage-sms', priority: 3, enabled: true },
      });
      expect(await registry.add({ channel: 'sms', gateway: 'vonage-sms', priority: 1 }, AT)).toEqual({
        outcome: 'exists',
        route: { channel: 'sms', gateway: 'vonage-sms', priority: 3, enabled: true },
      });
      expect(await registry.list()).toEqual([{ channel: 'sms', gateway: 'vonage-sms', priority: 3, enabled: true }]);
    });

    it('lets exactly one of two concurrent adds of a pair win', async () => {
      const registry = subject();
      const results = await Promise.all([1, 2].map((priority) => registry.add({ channel: 'email', gateway: 'smtp', priority }, AT)));
      expect(results.map((r) => r.outcome).sort()).toEqual(['added', 'exists']);
      expect(await registry.list()).toHaveLength(1);
    });

    it('updates priority and enabled separately, and answers undefined for a pair that does not exist', async () => {
      const registry = subject();
      await registry.add({ channel: 'whatsapp', gateway: 'vonage-messages', priority: 1 }, AT);
      expect(await registry.update('whatsapp', 'vonage-messages', { enabled: false }, AT)).toEqual({ channel: 'whatsapp', gateway: 'vonage-messages', priority: 1, enabled: false });
      expect(await registry.update('whatsapp', 'vonage-messages', { priority: 40 }, AT)).toEqual({ channel: 'whatsapp', gateway: 'vonage-messages', priority: 40, enabled: false });
      expect(await registry.update('sms', 'vonage-messages', { priority: 2 }, AT)).toBeUndefined();
      expect(await registry.list()).toHaveLength(1);
    });

    it('routes a channel through its enabled gateways, lowest priority first (ties by name)', async () => {
      const registry = subject();
      await registry.seed([
        { channel: 'sms', gateway: 'vonage-sms', priority: 2 },
        { channel: 'sms', gateway: 'vonage-messages', priority: 1 },
        { channel: 'whatsapp', gateway: 'vonage-messages', priority: 1 },
      ], AT);
      expect(await registry.routeFor('sms')).toEqual(['vonage-messages', 'vonage-sms']);
      await registry.update('sms', 'vonage-messages', { priority: 2 }, AT);
      expect(await registry.routeFor('sms')).toEqual(['vonage-messages', 'vonage-sms']);
      await registry.update('sms', 'vonage-messages', { priority: 3 }, AT);
      expect(await registry.routeFor('sms')).toEqual(['vonage-sms', 'vonage-messages']);
      await registry.update('sms', 'vonage-sms', { enabled: false }, AT);
      expect(await registry.routeFor('sms')).toEqual(['vonage-messages']);
      expect(await registry.routeFor('email')).toEqual([]);
    });

    it('seeds only missing routes: an operator change survives the next start', async () => {
      const registry = subject();
      const defaults = [
        { channel: 'sms', gateway: 'vonage-sms', priority: 1 },
        { channel: 'email', gateway: 'smtp', priority: 1 },
      ] as const;
      await registry.seed(defaults, AT);
      await registry.update('sms', 'vonage-sms', { priority: 7, enabled: false }, AT);
      await registry.seed(defaults, AT);
      await registry.seed([], AT);
      expect(await registry.list()).toEqual([
        { channel: 'email', gateway: 'smtp', priority: 1, enabled: true },
        { channel: 'sms', gateway: 'vonage-sms', priority: 7, enabled: false },
      ]);
    });
  },
);

it('MySQL routeFor answers from the rows it read for a few seconds, and reads again after its own change', async () => {
  const { pool } = ledgerDb();
  let now = 1_000_000;
  const registry = new MysqlGatewayRegistry(pool, 5_000, () => now);
  const other = new MysqlGatewayRegistry(pool, 0);
  await pool.query('DELETE FROM notification_gateways');
  await registry.seed([{ channel: 'sms', gateway: 'vonage-sms', priority: 1 }], AT);
  expect(await registry.routeFor('sms')).toEqual(['vonage-sms']);
  // Another instance's change is seen once the cache expires, not before.
  await other.update('sms', 'vonage-sms', { enabled: false }, AT);
  now += 4_999;
  expect(await registry.routeFor('sms')).toEqual(['vonage-sms']);
  now += 1;
  expect(await registry.routeFor('sms')).toEqual([]);
  // Its own change is seen at once.
  await registry.update('sms', 'vonage-sms', { enabled: true }, AT);
  expect(await registry.routeFor('sms')).toEqual(['vonage-sms']);
  // Concurrent callers share one read.
  now += 10_000;
  const spy = { reads: 0 };
  const list = registry.list.bind(registry);
  registry.list = async () => (spy.reads++, list());
  await Promise.all(Array.from({ length: 20 }, () => registry.routeFor('sms')));
  expect(spy.reads).toBe(1);
});
