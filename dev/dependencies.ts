import { loadConfig } from '../src/config.js';
import { existsSync } from 'node:fs';
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

/** Secrets that get a local default when unset: setting, value, label and use in the start-up summary. */
const LOCAL_SECRETS = [
  ['PAYMENT_WEBHOOK_SECRET', LOCAL_PAYMENT_WEBHOOK_SECRET, 'payments', 'the local default is used (npm run pay signs with it)'],
  ['PHONE_KEY_SECRET', LOCAL_PHONE_KEY_SECRET, 'phone keys', 'the local default keys phone lookups'],
  ['STRIPE_WEBHOOK_SECRET', LOCAL_STRIPE_WEBHOOK_SECRET, 'Stripe', 'the local default is used (npm run pay:stripe signs with it)'],
] as const;

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
  let discarded = false;
  let sandbox: VonageSandbox | undefined;
  const stop = async () => void (await Promise.allSettled([cosmos?.stop(), sandbox?.close()]));
  try {
    if (!isSet(settings.COSMOS_ENDPOINT)) {
      // Cosmos documents belong with the ledger that records them: one journal per ledger database,
      // and a ledger with no table yet (new or emptied) starts with no documents.
      const journalPath = options.cosmosStateDir && cosmosJournalPath(options.cosmosStateDir, mysql.ledger.url);
      discarded = Boolean(journalPath && mysql.ledger.empty && existsSync(journalPath));
      cosmos = await startEmbeddedCosmos({
        ...(journalPath ? { journalPath, discardJournal: mysql.ledger.empty } : {}),
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
  const localSecrets = new Set(LOCAL_SECRETS.filter(([name]) => !isSet(settings[name])).map(([name]) => name));
  for (const [name, value] of LOCAL_SECRETS) if (localSecrets.has(name)) settings[name] = value;

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
              ? `journaled to ${cosmos.journalPath} (this ledger's); ${discarded ? 'the ledger is empty, so its old journal was discarded' : `${cosmos.restored} document(s) restored`}`
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
        ...LOCAL_SECRETS.map(([name, , label, use]) => (localSecrets.has(name) ? `${pad(label)}configured locally  ${name} unset, so ${use}` : `${pad(label)}configured  ${name} set`)),
        isSet(settings.VONAGE_SIGNATURE_SECRET)
          ? `${pad('Vonage webhooks')}configured  VONAGE_SIGNATURE_SECRET set (signed webhooks are verified)`
          : `${pad('Vonage webhooks')}unsigned    VONAGE_SIGNATURE_SECRET unset (webhooks are accepted unsigned)`,
      ];
    },
    stop,
  };
}
