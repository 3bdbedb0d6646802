import { CosmosJobDocuments } from '../../src/adapters/cosmos/jobDocuments.js';
import { buildRelay, prepareLedger, type Relay, type RelayOverrides } from '../../src/compositionRoot.js';
import { loadConfig } from '../../src/config.js';
import { MailSink } from '../../dev/mailSink.js';
import { VonageSandbox } from '../../dev/vonageSandbox.js';
import { startLocalCosmos, type LocalCosmos } from '../kit/cosmos.js';
import { FakeNotificationQueue } from '../contracts/notifications/notificationQueue.fake.js';
import { TEST_PHONE_KEY_SECRET } from '../kit/phoneKeys.js';
import { createClientDatabase } from './clientDatabase.js';
import { createThrowawayDatabase, type ThrowawayDatabase } from '../kit/mysql.js';

/** The real adapters wired by the composition root: throwaway MariaDB databases, embedded Cosmos, the Vonage sandbox, an SMTP mail sink. */
export interface RealStack {
  client: ThrowawayDatabase;
  ledger: ThrowawayDatabase;
  cosmos: LocalCosmos;
  sandbox: VonageSandbox;
  /** The SMTP server email goes to. */
  mailSink: MailSink;
  queue: FakeNotificationQueue;
  relay: Relay;
  /** The settings the relays were built from. */
  env: Record<string, string | undefined>;
  documents: CosmosJobDocuments;
  /** Another relay on the same stores, as a second Functions instance would have. */
  newRelay(): Promise<Relay>;
  stop(): Promise<void>;
}

export async function startRealStack(
  settings: Record<string, string> = {},
  vonage = { apiKey: 'k', apiSecret: 's' },
  overrides: Omit<RelayOverrides, 'queue'> = {},
): Promise<RealStack> {
  const [client, ledger, cosmos] = await Promise.all([createClientDatabase(), createThrowawayDatabase('ledger'), startLocalCosmos()]);
  const sandbox = new VonageSandbox({ ...vonage, messagesPerSecond: 1000 });
  const cosmosSettings = cosmos.settingsFor();
  // Both Vonage APIs are the sandbox: nothing a test does reaches Vonage.
  const sandboxUrl = await sandbox.listen();
  const mailSink = new MailSink();
  const smtpUrl = await mailSink.listen();
  const env = {
    CLIENT_DB_URL: client.url,
    LEDGER_DB_URL: ledger.url,
    COSMOS_ENDPOINT: cosmosSettings.endpoint,
    COSMOS_KEY: cosmosSettings.key,
    COSMOS_JOBS_CONTAINER: cosmosSettings.container,
    VONAGE_API_KEY: vonage.apiKey,
    VONAGE_API_SECRET: vonage.apiSecret,
    VONAGE_REST_HOST: sandboxUrl,
    VONAGE_MESSAGES_HOST: sandboxUrl,
    SMTP_URL: smtpUrl,
    EMAIL_FROM: 'Repair Relay <relay@repair.example>',
    PHONE_KEY_SECRET: TEST_PHONE_KEY_SECRET,
    // Tests run at any hour: the business is always open unless a test sets its own hours.
    BUSINESS_HOURS: 'Mon-Sun 00:00-24:00',
    // A stack without a signature secret stands for the local host, the one place unsigned webhooks are allowed.
    ...(settings.VONAGE_SIGNATURE_SECRET ? {} : { ALLOW_UNSIGNED_WEBHOOKS: 'true' }),
    ...settings,
  };
  // The deployment step, as Azure runs it before the relays serve (the prepareLedger function).
  const config = loadConfig(env, { localHost: true });
  await prepareLedger(config);
  const queue = new FakeNotificationQueue();
  const relays: Relay[] = [];
  const newRelay = async () => {
    const relay = await buildRelay(config, { ...overrides, queue });
    relays.push(relay);
    return relay;
  };
  const relay = await newRelay();
  const documents = new CosmosJobDocuments((await cosmos.openContainer(cosmosSettings.container)).container);
  return {
    client,
    ledger,
    cosmos,
    sandbox,
    mailSink,
    queue,
    relay,
    env,
    documents,
    newRelay,
    async stop() {
      await Promise.all(relays.map((r) => r.close()));
      await Promise.all([client.drop(), ledger.drop(), cosmos.stop(), sandbox.close(), mailSink.close()]);
    },
  };
}
