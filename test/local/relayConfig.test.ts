import { describe, expect, it } from 'vitest';
import { buildRelay, prepareLedger } from '../../src/compositionRoot.js';
import { ConfigError, ledgerConfig, loadConfig, relayConfig } from '../../src/config.js';
import { buildNotificationGateways } from '../../src/infrastructure.js';

/** The cross-field rules of relayConfigSchema and ledgerConfigSchema (src/config.ts), checked before anything is opened. */
describe('settings a relay and the ledger step need', () => {
  const complete = {
    COSMOS_ENDPOINT: 'https://127.0.0.1:8081/',
    VONAGE_API_KEY: 'key',
    VONAGE_API_SECRET: 'secret',
    PHONE_KEY_SECRET: 'p'.repeat(40),
    VONAGE_SIGNATURE_SECRET: 's'.repeat(20),
  };
  const without = (...names: Array<keyof typeof complete>) => loadConfig(Object.fromEntries(Object.entries(complete).filter(([name]) => !names.includes(name as keyof typeof complete))));
  const problemsOf = (check: () => unknown) => {
    try {
      check();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      return (error as Error).message.split('\n');
    }
    return [];
  };
  const PRIVATE_KEY = '-----BEGIN PRIVATE KEY-----\\nMIIB\\n-----END PRIVATE KEY-----';

  it('accepts complete settings, the values unchanged', () => {
    const config = loadConfig(complete);
    expect(relayConfig(config)).toEqual(config);
    expect(ledgerConfig(config)).toEqual(config);
  });

  it('names each missing required setting with its hint, every problem on a line of its own', () => {
    expect(problemsOf(() => relayConfig(without('COSMOS_ENDPOINT', 'PHONE_KEY_SECRET')))).toEqual([
      'Missing setting COSMOS_ENDPOINT: the Cosmos DB account endpoint (npm start embeds a local one)',
      'Missing setting PHONE_KEY_SECRET: the secret that keys phone lookup keys in the ledger, at least 32 characters (openssl rand -hex 32)',
    ]);
    expect(problemsOf(() => relayConfig(without('VONAGE_API_SECRET')))).toEqual([
      'Missing setting VONAGE_API_SECRET: Vonage API credentials (npm start runs a local SMS sandbox)',
    ]);
  });

  it('requires a webhook signature secret unless unsigned webhooks are allowed (a local host only)', () => {
    expect(problemsOf(() => relayConfig(without('VONAGE_SIGNATURE_SECRET')))).toEqual([
      expect.stringMatching(/^Missing setting VONAGE_SIGNATURE_SECRET: Vonage webhooks must be signed/),
    ]);
    const unsigned = loadConfig({ ...complete, VONAGE_SIGNATURE_SECRET: undefined, ALLOW_UNSIGNED_WEBHOOKS: 'true' }, { localHost: true });
    expect(problemsOf(() => relayConfig(unsigned))).toEqual([]);
  });

  it('takes SMTP_URL and EMAIL_FROM, and VONAGE_APPLICATION_ID and VONAGE_PRIVATE_KEY, both or neither', () => {
    expect(problemsOf(() => relayConfig(loadConfig({ ...complete, SMTP_URL: 'smtp://mail.example:25' })))).toEqual([
      'Set both SMTP_URL and EMAIL_FROM to send email, or neither',
    ]);
    expect(problemsOf(() => relayConfig(loadConfig({ ...complete, EMAIL_FROM: 'relay@repair.example' })))).toEqual([
      'Set both SMTP_URL and EMAIL_FROM to send email, or neither',
    ]);
    expect(problemsOf(() => ledgerConfig(loadConfig({ ...complete, VONAGE_PRIVATE_KEY: PRIVATE_KEY })))).toEqual([
      'Set both VONAGE_APPLICATION_ID and VONAGE_PRIVATE_KEY (Messages API with JWT), or neither (the API key and secret)',
    ]);
    expect(problemsOf(() => relayConfig(loadConfig({ ...complete, VONAGE_APPLICATION_ID: 'app', VONAGE_PRIVATE_KEY: PRIVATE_KEY })))).toEqual([]);
  });

  it('lets the ledger step run without what only workers use (Cosmos DB, the webhook secret)', () => {
    expect(problemsOf(() => ledgerConfig(without('COSMOS_ENDPOINT', 'VONAGE_SIGNATURE_SECRET')))).toEqual([]);
    expect(problemsOf(() => ledgerConfig(without('PHONE_KEY_SECRET')))).toEqual([expect.stringMatching(/^Missing setting PHONE_KEY_SECRET/)]);
  });

  it('stops buildRelay and prepareLedger before they open a pool or client', async () => {
    const halfEmail = loadConfig({ ...complete, SMTP_URL: 'smtp://mail.example:25', CLIENT_DB_URL: 'mysql://nobody@192.0.2.1:3306/none' });
    await expect(buildRelay(halfEmail)).rejects.toThrow('Set both SMTP_URL and EMAIL_FROM to send email, or neither');
    await expect(prepareLedger(halfEmail)).rejects.toThrow('Set both SMTP_URL and EMAIL_FROM to send email, or neither');
  });

  it('gives email a gateway only with SMTP_URL and EMAIL_FROM, and WhatsApp only with a WhatsApp number', () => {
    const plain = buildNotificationGateways(ledgerConfig(loadConfig(complete)));
    expect(plain.get('email', 'smtp')).toBeUndefined();
    expect(plain.get('whatsapp', 'vonage-messages')).toBeUndefined();
    expect(plain.get('sms', 'vonage-sms')).toBeDefined();
    expect(plain.get('sms', 'vonage-messages')).toBeDefined();
    const full = buildNotificationGateways(
      ledgerConfig(loadConfig({ ...complete, SMTP_URL: 'smtp://mail.example:25', EMAIL_FROM: 'relay@repair.example', VONAGE_WHATSAPP_NUMBER: '+447700900123' })),
    );
    try {
      expect(full.get('email', 'smtp')).toBeDefined();
      expect(full.get('whatsapp', 'vonage-messages')).toBeDefined();
      expect(full.get('email', 'vonage-sms')).toBeUndefined();
    } finally {
      full.close();
    }
  });
});
