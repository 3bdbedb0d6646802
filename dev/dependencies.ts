import { businessCalendar, loadConfig } from '../src/config.js';
import { describeBusinessCalendar } from '../src/domain/windows/businessCalendar.js';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { cosmosJournalPath, startEmbeddedCosmos, type EmbeddedCosmos } from './cosmos.js';
import {
  LOCAL_COSMOS_STATE_DIR,
  LOCAL_EMAIL_FROM,
  LOCAL_BUSINESS_HOURS,
  LOCAL_PAYMENT_WEBHOOK_SECRET,
  LOCAL_PHONE_KEY_SECRET,
  LOCAL_STRIPE_WEBHOOK_SECRET,
  LOCAL_VONAGE_API_KEY,
  LOCAL_VONAGE_API_SECRET,
  LOCAL_VONAGE_APPLICATION_ID,
  LOCAL_WHATSAPP_NUMBER,
} from './defaults.js';
import { describeSinkMail, MailSink } from './mailSink.js';
import { prepareLocalMysql, type PreparedMysql } from './mysql.js';
import { HostConfigurationError, redactUrl } from './settings.js';
import { maskPhone } from '../src/domain/shared/phone.js';
import { describeSandboxMessage, describeSandboxSms, parseSandboxFailures, VonageSandbox } from './vonageSandbox.js';

export interface LocalDependencies {
  cosmos: EmbeddedCosmos | undefined;
  sandbox: VonageSandbox | undefined;
  /** The local mail server, when SMTP_URL is unset. */
  mailSink: MailSink | undefined;
  /** Lines for the start-up summary; never a secret, never a full phone number. */
  describe(ledgerMigrated: boolean): string[];
  /** Stops the embedded servers (the embedded Cosmos server has nothing left to save). */
  stop(): Promise<void>;
}

export interface DependencyOptions {
  /** Where the embedded Cosmos server keeps one journal per ledger database; default: memory only. */
  cosmosStateDir?: string;
  onSms?: (line: string) => void;
  /** Each SMS or WhatsApp message the Messages API sandbox accepts. */
  onMessage?: (line: string) => void;
  /** Each email the mail sink receives. */
  onMail?: (line: string) => void;
  sandboxPort?: number;
  mailSinkPort?: number;
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

/** A fresh key pair of the local Vonage application: the sandbox derives the public key from it. */
function localApplicationKey(): string {
  return generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } }).privateKey;
}

/**
 * Readies what the app needs on this machine, changing only `settings`: both MySQL databases (and
 * the client's Jobs table) on a local server, the embedded Cosmos server when COSMOS_ENDPOINT is
 * unset, the Vonage sandbox (SMS API and Messages API, with a local application key) when Vonage
 * credentials are unset, the mail sink when SMTP_URL is unset, and a local payment secret.
 */
export async function embeddedDependencies(settings: Record<string, string | undefined>, options: DependencyOptions = {}): Promise<LocalDependencies> {
  const initial = loadConfig(settings, { localHost: true });
  const mysql = await prepareLocalMysql(initial.CLIENT_DB_URL, initial.LEDGER_DB_URL);
  const fromEnv = { client: isSet(settings.CLIENT_DB_URL), ledger: isSet(settings.LEDGER_DB_URL) };

  const hasKey = isSet(settings.VONAGE_API_KEY);
  if (hasKey !== isSet(settings.VONAGE_API_SECRET)) {
    throw new HostConfigurationError('set both VONAGE_API_KEY and VONAGE_API_SECRET to use Vonage, or neither to use the local SMS sandbox');
  }
  const sandboxFailures = parseSandboxFailures(settings.SANDBOX_FAIL ?? '');
  if (!sandboxFailures.ok) throw new HostConfigurationError(sandboxFailures.detail);

  let cosmos: EmbeddedCosmos | undefined;
  let discarded = false;
  let sandbox: VonageSandbox | undefined;
  let mailSink: MailSink | undefined;
  let localApplication = false;
  const stop = async () => void (await Promise.allSettled([cosmos?.stop(), sandbox?.close(), mailSink?.close()]));
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
      // The Messages API is used with JWT, as in Azure, unless an application is configured (then it must be Vonage's).
      localApplication = !isSet(settings.VONAGE_APPLICATION_ID) && !isSet(settings.VONAGE_PRIVATE_KEY);
      const application = localApplication ? { applicationId: LOCAL_VONAGE_APPLICATION_ID, privateKey: localApplicationKey() } : undefined;
      sandbox = new VonageSandbox({
        failures: sandboxFailures.failures,
        apiKey: LOCAL_VONAGE_API_KEY,
        apiSecret: LOCAL_VONAGE_API_SECRET,
        ...(application ? { application } : {}),
        ...(options.onSms ? { onSms: (sms) => options.onSms!(describeSandboxSms(sms)) } : {}),
        ...(options.onMessage ? { onMessage: (message) => options.onMessage!(describeSandboxMessage(message)) } : {}),
      });
      const sandboxUrl = await sandbox.listen(options.sandboxPort ?? 0);
      settings.VONAGE_REST_HOST = sandboxUrl;
      settings.VONAGE_MESSAGES_HOST = sandboxUrl;
      settings.VONAGE_API_KEY = LOCAL_VONAGE_API_KEY;
      settings.VONAGE_API_SECRET = LOCAL_VONAGE_API_SECRET;
      if (application) [settings.VONAGE_APPLICATION_ID, settings.VONAGE_PRIVATE_KEY] = [application.applicationId, application.privateKey];
      if (!isSet(settings.VONAGE_WHATSAPP_NUMBER)) settings.VONAGE_WHATSAPP_NUMBER = LOCAL_WHATSAPP_NUMBER;
    }
    if (!isSet(settings.SMTP_URL)) {
      mailSink = new MailSink(options.onMail ? { onMail: (mail) => options.onMail!(describeSinkMail(mail)) } : {});
      settings.SMTP_URL = await mailSink.listen(options.mailSinkPort ?? 0);
      if (!isSet(settings.EMAIL_FROM)) settings.EMAIL_FROM = LOCAL_EMAIL_FROM;
    }
  } catch (error) {
    await stop();
    throw error;
  }
  const localSecrets = new Set(LOCAL_SECRETS.filter(([name]) => !isSet(settings[name])).map(([name]) => name));
  for (const [name, value] of LOCAL_SECRETS) if (localSecrets.has(name)) settings[name] = value;
  // DESIGN.md: the local walk-through works at any hour, so the business is always open unless told otherwise.
  const alwaysOpen = !isSet(settings.BUSINESS_HOURS);
  if (alwaysOpen) settings.BUSINESS_HOURS = LOCAL_BUSINESS_HOURS;
  // Without a signature secret the local walk-through posts webhooks unsigned; only this host may allow that, and it says so.
  const unsigned = !isSet(settings.VONAGE_SIGNATURE_SECRET) && !isSet(settings.ALLOW_UNSIGNED_WEBHOOKS);
  if (unsigned) settings.ALLOW_UNSIGNED_WEBHOOKS = 'true';
  // The staff console has no Entra ID here: a request without a principal is the local owner (printed in the banner).
  if (!isSet(settings.CONSOLE_LOCAL_OWNER)) settings.CONSOLE_LOCAL_OWNER = 'true';

  return {
    cosmos,
    sandbox,
    mailSink,
    describe(ledgerMigrated) {
      const config = loadConfig(settings, { localHost: true });
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
        ? `${pad('Vonage SMS')}embedded    SMS sandbox ${settings.VONAGE_REST_HOST} (each SMS is printed here with the number masked${settings.SANDBOX_FAIL ? `; failing as SANDBOX_FAIL=${settings.SANDBOX_FAIL} says` : ''})`
        : `${pad('Vonage SMS')}configured  ${config.VONAGE_REST_HOST} (VONAGE_API_KEY and VONAGE_API_SECRET set), sender ${config.VONAGE_FROM}`;
      const whatsapp = config.VONAGE_WHATSAPP_NUMBER ? `WhatsApp from ${maskPhone(config.VONAGE_WHATSAPP_NUMBER)}` : 'no WhatsApp (VONAGE_WHATSAPP_NUMBER unset)';
      const messagesAuth = localApplication ? 'JWT of a local application key generated at start' : config.VONAGE_APPLICATION_ID ? `JWT of application ${config.VONAGE_APPLICATION_ID}` : 'API key and secret';
      const messagesLine = `${pad('Vonage Messages')}${sandbox ? 'embedded    Messages API sandbox' : 'configured '} ${config.VONAGE_MESSAGES_HOST} (${messagesAuth}; ${whatsapp})`;
      const mailLine = mailSink
        ? `${pad('email')}embedded    mail sink ${settings.SMTP_URL} (SMTP port ${new URL(settings.SMTP_URL as string).port}; each email is printed here with the address hidden), from ${config.EMAIL_FROM}`
        : `${pad('email')}configured  ${config.SMTP_URL ? redactUrl(config.SMTP_URL) : 'SMTP_URL unset: no email gateway'}${config.EMAIL_FROM ? `, from ${config.EMAIL_FROM}` : ''}`;
      return [
        mysqlLine('client MySQL', mysql.client, fromEnv.client, mysql.client.createdJobsTable ? '; Jobs table created' : ''),
        mysqlLine('ledger MySQL', mysql.ledger, fromEnv.ledger, ledgerMigrated ? '; migrations applied' : '; migrations run when the app starts'),
        cosmosLine,
        vonageLine,
        messagesLine,
        mailLine,
        ...LOCAL_SECRETS.map(([name, , label, use]) => (localSecrets.has(name) ? `${pad(label)}configured locally  ${name} unset, so ${use}` : `${pad(label)}configured  ${name} set`)),
        `${pad('business hours')}${alwaysOpen ? 'always open' : 'configured'}  ${describeBusinessCalendar(businessCalendar(config))}${
          alwaysOpen ? ' (BUSINESS_HOURS unset; set it, e.g. "Mon-Fri 09:00-17:30", to try a closed business)' : ''
        }`,
        isSet(settings.VONAGE_SIGNATURE_SECRET)
          ? `${pad('Vonage webhooks')}configured  VONAGE_SIGNATURE_SECRET set (signed webhooks are verified)`
          : `${pad('Vonage webhooks')}unsigned    VONAGE_SIGNATURE_SECRET unset, so ALLOW_UNSIGNED_WEBHOOKS=${settings.ALLOW_UNSIGNED_WEBHOOKS ?? ''}${
              unsigned ? ' was set for this local host' : ''
            } (webhooks are accepted unsigned; Azure refuses to start this way)`,
      ];
    },
    stop,
  };
}
