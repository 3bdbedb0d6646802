import { InvocationContext, type Timer } from '@azure/functions';
import type { RowDataPacket } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { LEDGER_MIGRATIONS } from '../../src/adapters/mysql/ledgerMigrations.js';
import { getRelay, startRelay } from '../../src/processRelay.js';
import { ConfigError } from '../../src/config.js';
import '../../src/functions/index.js';
import { prepareLedgerHandler } from '../../src/functions/ops/prepareLedger.js';
import { startLocalCosmos, type LocalCosmos } from '../kit/cosmos.js';
import { TEST_PHONE_KEY_SECRET } from '../kit/phoneKeys.js';
import { hooksFor, registrations } from '../../dev/functionsCore.js';
import { createClientDatabase } from '../support/clientDatabase.js';
import { createThrowawayDatabase, type ThrowawayDatabase } from '../kit/mysql.js';

/**
 * The app entry point's appStart hook, run as the Functions host runs it, with the relay built the
 * Azure way: getRelay()'s default factory, from process.env.
 */
describe('app start (src/functions/index.ts)', () => {
  let client: ThrowawayDatabase;
  let ledger: ThrowawayDatabase;
  let cosmos: LocalCosmos;
  const savedEnv = { ...process.env };

  const runAppStart = async () => {
    for (const hook of hooksFor('appStart')) {
      await hook({ hookData: {}, appHookData: {}, functionAppDirectory: process.cwd() });
    }
  };
  const ledgerTables = async () => {
    const [rows] = await ledger.pool.query<RowDataPacket[]>('SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME');
    return rows.map((row) => String(row.name));
  };
  const appliedMigrations = async () => {
    const [tables] = await ledger.pool.query<RowDataPacket[]>("SHOW TABLES LIKE 'schema_migrations'");
    if (tables.length === 0) return [];
    const [rows] = await ledger.pool.query<RowDataPacket[]>('SELECT name FROM schema_migrations ORDER BY name');
    return rows.map((row) => String(row.name));
  };

  beforeAll(async () => {
    [client, ledger, cosmos] = await Promise.all([createClientDatabase(), createThrowawayDatabase('ledger'), startLocalCosmos()]);
    const settings = cosmos.settingsFor();
    Object.assign(process.env, {
      CLIENT_DB_URL: client.url,
      LEDGER_DB_URL: ledger.url,
      COSMOS_ENDPOINT: settings.endpoint,
      COSMOS_KEY: settings.key,
      COSMOS_JOBS_CONTAINER: settings.container,
      VONAGE_API_KEY: 'k',
      VONAGE_API_SECRET: 's',
      // Never connected to: the Service Bus client only connects when a message is sent.
      SERVICEBUS_CONNECTION: 'Endpoint=sb://127.0.0.1/;SharedAccessKeyName=test;SharedAccessKey=test',
    });
    delete process.env.PHONE_KEY_SECRET;
  });

  afterAll(async () => {
    await (await getRelay().catch(() => undefined))?.close();
    process.env = savedEnv;
    await Promise.all([client?.drop(), ledger?.drop(), cosmos?.stop()]);
  });

  it('registers one appStart hook', () => {
    expect(hooksFor('appStart')).toHaveLength(1);
  });

  it('fails the start with a ConfigError when a required setting is missing, before migrating anything', async () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const start = runAppStart();
      await expect(start).rejects.toBeInstanceOf(ConfigError);
      await expect(start).rejects.toThrow('Missing setting PHONE_KEY_SECRET');
      expect(log).toHaveBeenCalledWith(expect.stringMatching(/^Repair Relay configuration is invalid: Missing setting PHONE_KEY_SECRET/));
    } finally {
      log.mockRestore();
    }
    expect(await appliedMigrations()).toEqual([]);
  });

  it('refuses to start without VONAGE_SIGNATURE_SECRET, and refuses ALLOW_UNSIGNED_WEBHOOKS outside a local host', async () => {
    process.env.PHONE_KEY_SECRET = TEST_PHONE_KEY_SECRET;
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      await expect(runAppStart()).rejects.toThrow('Missing setting VONAGE_SIGNATURE_SECRET');
      process.env.ALLOW_UNSIGNED_WEBHOOKS = 'true';
      await expect(runAppStart()).rejects.toThrow('ALLOW_UNSIGNED_WEBHOOKS: only a local host may accept unsigned webhooks');
      // Core Tools on a developer's machine is a local host; the same settings in Azure (WEBSITE_INSTANCE_ID set) are not.
      process.env.AZURE_FUNCTIONS_ENVIRONMENT = 'Development';
      process.env.WEBSITE_INSTANCE_ID = 'instance-in-azure';
      await expect(runAppStart()).rejects.toThrow('ALLOW_UNSIGNED_WEBHOOKS: only a local host may accept unsigned webhooks');
    } finally {
      log.mockRestore();
      delete process.env.ALLOW_UNSIGNED_WEBHOOKS;
      delete process.env.AZURE_FUNCTIONS_ENVIRONMENT;
      delete process.env.WEBSITE_INSTANCE_ID;
    }
    expect(await appliedMigrations()).toEqual([]);
  });

  it('once configured, migrates the ledger at start and shares that one relay with every caller, however early', async () => {
    process.env.VONAGE_SIGNATURE_SECRET = 'app-start-test-signature-secret';
    const starting = runAppStart();
    const early = getRelay(); // a request arriving before the hook has finished
    await starting;
    expect(await ledgerTables()).toEqual([]);
    const relay = await getRelay();
    expect(await early).toBe(relay);
    expect(await startRelay()).toBe(relay);
    expect(await relay.checkHealth()).toEqual({ clientDb: 'ok', ledgerDb: 'ok', cosmos: 'ok' });
  });

  it('leaves the migrations to the prepareLedger function (a timer: one instance, at each start of the app), which applies them once', async () => {
    const registration = registrations.get('prepareLedger');
    expect(registration?.trigger).toMatchObject({ type: 'timerTrigger', runOnStartup: true });
    const context = new InvocationContext({ functionName: 'prepareLedger', logHandler: () => {} });
    await prepareLedgerHandler({} as Timer, context);
    expect(await appliedMigrations()).toEqual(LEDGER_MIGRATIONS.map((m) => m.name).sort());
    const tables = await ledgerTables();
    expect(tables).toEqual(expect.arrayContaining(['notification_log', 'notification_gateways', 'schema_migrations']));
    const [routes] = await ledger.pool.query<RowDataPacket[]>('SELECT channel, gateway FROM notification_gateways ORDER BY channel, priority');
    expect(routes.length).toBeGreaterThan(0);

    // A later start of the app over the current ledger: the function only reads what has run.
    await prepareLedgerHandler({} as Timer, context);
    expect(await ledgerTables()).toEqual(tables);
    expect(await appliedMigrations()).toEqual(LEDGER_MIGRATIONS.map((m) => m.name).sort());
  });
});
