import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { LOCAL_VONAGE_API_KEY, LOCAL_VONAGE_API_SECRET } from '../../dev/defaults.js';
import { embeddedDependencies } from '../../dev/dependencies.js';
import { HostConfigurationError } from '../../dev/settings.js';
import { createClientDatabase } from '../support/clientDatabase.js';
import { createThrowawayDatabase, type ThrowawayDatabase } from '../kit/mysql.js';

/** SANDBOX_FAIL (docs/local.md): the local host's switch that makes the embedded Vonage sandbox fail, so failover can be watched. */
describe('SANDBOX_FAIL on the local host', () => {
  let client: ThrowawayDatabase;
  let ledger: ThrowawayDatabase;
  // A configured Cosmos DB (never contacted here), so no embedded server is started for these checks.
  const settings = () => ({ CLIENT_DB_URL: client.url, LEDGER_DB_URL: ledger.url, COSMOS_ENDPOINT: 'https://127.0.0.1:9/', COSMOS_KEY: 'a2V5' });

  beforeAll(async () => {
    [client, ledger] = await Promise.all([createClientDatabase(), createThrowawayDatabase('ledger')]);
  });
  afterAll(async () => Promise.all([client?.drop(), ledger?.drop()]));

  it('makes the embedded Messages API refuse every request with 401 and says so at start-up', async () => {
    const env: Record<string, string | undefined> = { ...settings(), SANDBOX_FAIL: 'messages=unauthorized' };
    const dependencies = await embeddedDependencies(env);
    onTestFinished(() => dependencies.stop());
    const sms = { channel: 'sms', message_type: 'text', to: '447700900123', from: 'RepairRelay', text: 'hello' };
    // The account's own credentials, which the sandbox takes when no failure is asked for.
    const authorization = `Basic ${Buffer.from(`${LOCAL_VONAGE_API_KEY}:${LOCAL_VONAGE_API_SECRET}`).toString('base64')}`;
    const refused = await fetch(`${env.VONAGE_MESSAGES_HOST}/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json', authorization }, body: JSON.stringify(sms) });
    expect(refused.status).toBe(401);
    expect(dependencies.sandbox?.messagesRequests).toBe(1);
    expect(dependencies.describe(false).find((line) => line.startsWith('Vonage SMS'))).toContain('SANDBOX_FAIL=messages=unauthorized');
  });

  it('refuses a value it cannot read before starting anything, naming it', async () => {
    await expect(embeddedDependencies({ ...settings(), SANDBOX_FAIL: 'sms=throttle,fax=outage' })).rejects.toThrow(HostConfigurationError);
    await expect(embeddedDependencies({ ...settings(), SANDBOX_FAIL: 'sms=slow' })).rejects.toThrow(/SANDBOX_FAIL: "sms=slow" is not/);
  });
});
