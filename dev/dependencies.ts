import { loadConfig } from '../src/config.js';
import path from 'node:path';
import { cosmosJournalPath, startEmbeddedCosmos, type EmbeddedCosmos } from './cosmos.js';
import { LOCAL_COSMOS_STATE_DIR, LOCAL_PAYMENT_WEBHOOK_SECRET, LOCAL_PHONE_KEY_SECRET, LOCAL_STRIPE_WEBHOOK_SECRET, LOCAL_VONAGE_API_KEY, LOCAL_VONAGE_API_SECRET } from './defaults.js';
import { prepareLocalMysql, type PreparedMysql } from './mysql.js';
import { HostConfigurationError, redactUrl } from './settings.js';
import { describeSandboxSms, VonageSandbox } from './vonageSandbox.js';

export interface LocalDependencies {
  cosmos: EmbeddedCosmos | undefined;
  sandbox: VonageSandbox | undefined;
  /** Lines for the start-up summary; never a secret, never a full phone number. */
  describe(ledgerMigrated: boolean): string[];
  /** Stops the embedded servers (the embedded Cosmos server has nothing left to save). */
  stop(): Promise<void>;
}

export interface DependencyOptions {
  /** Where the embedded Cosmos server keeps one journal per ledger database; default: memory only. */
  cosmosStateDir?: string;
  onSms?: (line: string) => void;
  sandboxPort?: number;
  cosmosPort?: number;
}

export const isSet = (value: string | undefined): boolean => value !== undefined && value.trim() !== '';

/** LOCAL_COSMOS_STATE: `off` keeps the embedded Cosmos server in memory only; else the journals' directory (default .local). */
export function cosmosStateDir(appRoot: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const value = env.LOCAL_COSMOS_STATE?.trim();
  return value === 'off' ? undefined : path.resolve(appRoot, value || LOCAL_COSMOS_STATE_DIR);
}

/**
 * Readies what the app needs on this machine, changing only `settings`: both MySQL databases (and
 * the client's Jobs table) on a local server, the embedded Cosmos server when COSMOS_ENDPOINT is
 * unset, the SMS sandbox when Vonage credentials are unset, and a local payment secret.
 */
export async function embeddedDependencies(settings: Record<string, string | undefined>, options: DependencyOptions = {}): Promise<LocalDependencies> {
  const initial = loadConfig(settings);
  const mysql = await prepareLocalMysql(initial.CLIENT_DB_URL, initial.LEDGER_DB_URL);
  const fromEnv = { client: isSet(settings.CLIENT_DB_URL), ledger: isSet(settings.LEDGER_DB_URL) };

  const hasKey = isSet(settings.VONAGE_API_KEY);
  if (hasKey !== isSet(settings.VONAGE_API_SECRET)) {
    throw new HostConfigurationError('set both VONAGE_API_KEY and VONAGE_API_SECRET to use Vonage, or neither to use the local SMS sandbox');
  }

  let cosmos: EmbeddedCosmos | undefined;
  let sandbox: VonageSandbox | undefined;
  const stop = async () => void (await Promise.allSettled([cosmos?.stop(), sandbox?.close()]));
  try {
    if (!isSet(settings.COSMOS_ENDPOINT)) {
      // Cosmos documents belong with the ledger that records them: one journal per ledger database,
      // and a ledger with no table yet (new or emptied) starts with no documents.
      cosmos = await startEmbeddedCosmos({
        ...(options.cosmosStateDir ? { journalPath: cosmosJournalPath(options.cosmosStateDir, mysql.ledger.url), discardJournal: mysql.ledger.empty } : {}),
        ...(options.cosmosPort === undefined ? {} : { port: options.cosmosPort }),
      });
      settings.COSMOS_ENDPOINT = cosmos.endpoint;
      settings.COSMOS_KEY = cosmos.key;
    }
    if (!hasKey) {
      sandbox = new VonageSandbox({
        apiKey: LOCAL_VONAGE_API_KEY,
        apiSecret: LOCAL_VONAGE_API_SECRET,
        ...(options.onSms ? { onSms: (sms) => options.onSms!(describeSandboxSms(sms)) } : {}),
      });
      settings.VONAGE_REST_HOST = await sandbox.listen(options.sandboxPort ?? 0);
      settings.VONAGE_API_KEY = LOCAL_VONAGE_API_KEY;
      settings.VONAGE_API_SECRET = LOCAL_VONAGE_API_SECRET;
    }
  } catch (error) {
    await stop();
    throw error;
  }
  const localPaymentSecret = !isSet(settings.PAYMENT_WEBHOOK_SECRET);
  if (localPaymentSecret) settings.PAYMENT_WEBHOOK_SECRET = LOCAL_PAYMENT_WEBHOOK_SECRET;
  const localStripeSecret = !isSet(settings.STRIPE_WEBHOOK_SECRET);
  if (localStripeSecret) settings.STRIPE_WEBHOOK_SECRET = LOCAL_STRIPE_WEBHOOK_SECRET;
  const localPhoneKeySecret = !isSet(settings.PHONE_KEY_SECRET);
  if (localPhoneKeySecret) settings.PHONE_KEY_SECRET = LOCAL_PHONE_KEY_SECRET;

  return {
    cosmos,
    sandbox,
    describe(ledgerMigrated) {
      const config = loadConfig(settings);
      const pad = (label: string) => label.padEnd(16);
      const mysqlLine = (label: string, db: PreparedMysql['ledger'], explicit: boolean, extra: string) =>
        `${pad(label)}configured  ${redactUrl(db.url)} (${explicit ? `from ${db.setting}` : 'default URL'}${db.createdDatabase ? '; database created' : ''}${extra})`;
      const cosmosLine = cosmos
        ? `${pad('Cosmos DB')}embedded    ${cosmos.endpoint}, database ${config.COSMOS_DATABASE}, container ${config.COSMOS_JOBS_CONTAINER} (${
            cosmos.journalPath
              ? `journaled to ${cosmos.journalPath} (this ledger's); ${cosmos.discarded ? 'the ledger is empty, so its old journal was discarded' : `${cosmos.restored} document(s) restored`}`
              : 'in memory, gone when the host stops'
          })`
        : `${pad('Cosmos DB')}configured  ${config.COSMOS_ENDPOINT} (${config.COSMOS_KEY ? 'key' : 'managed identity'})`;
      const vonageLine = sandbox
        ? `${pad('Vonage SMS')}embedded    SMS sandbox ${settings.VONAGE_REST_HOST} (each SMS is printed here with the number masked)`
        : `${pad('Vonage SMS')}configured  ${config.VONAGE_REST_HOST} (VONAGE_API_KEY and VONAGE_API_SECRET set), sender ${config.VONAGE_FROM}`;
      return [
        mysqlLine('client MySQL', mysql.client, fromEnv.client, mysql.client.createdJobsTable ? '; Jobs table created' : ''),
        mysqlLine('ledger MySQL', mysql.ledger, fromEnv.ledger, ledgerMigrated ? '; migrations applied' : '; migrations run when the app starts'),
        cosmosLine,
        vonageLine,
        localPaymentSecret
          ? `${pad('payments')}configured locally  PAYMENT_WEBHOOK_SECRET unset, so the local default is used (npm run pay signs with it)`
          : `${pad('payments')}configured  PAYMENT_WEBHOOK_SECRET set`,
        localPhoneKeySecret
          ? `${pad('phone keys')}configured locally  PHONE_KEY_SECRET unset, so the local default keys phone lookups`
          : `${pad('phone keys')}configured  PHONE_KEY_SECRET set`,
        localStripeSecret
          ? `${pad('Stripe')}configured locally  STRIPE_WEBHOOK_SECRET unset, so the local default is used (npm run pay:stripe signs with it)`
          : `${pad('Stripe')}configured  STRIPE_WEBHOOK_SECRET set`,
        isSet(settings.VONAGE_SIGNATURE_SECRET)
          ? `${pad('Vonage webhooks')}configured  VONAGE_SIGNATURE_SECRET set (signed webhooks are verified)`
          : `${pad('Vonage webhooks')}unsigned    VONAGE_SIGNATURE_SECRET unset (webhooks are accepted unsigned)`,
      ];
    },
    stop,
  };
}
