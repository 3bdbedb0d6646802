import { IANAZone } from 'luxon';
import { z } from 'zod';
import { MIN_PHONE_KEY_SECRET_LENGTH } from './adapters/signatures/phoneKeys.js';
import { BRAND_ID_PATTERN } from './domain/discounts/discountCode.js';
import { issueLines } from './domain/shared/issues.js';
import { customerPageSettings, defaultPublicBaseUrl } from './customerPageSettings.js';
import { KNOWN_LOCAL_SECRETS } from './knownLocalSecrets.js';
import { runawaySettingsShape } from './runawaySettings.js';
import { flag, positiveInt } from './settingFields.js';
import { parseBusinessCalendar, parseBusinessHours, parseClosedDates, type BusinessCalendar } from './domain/windows/businessCalendar.js';
import type { Result, Value } from './domain/shared/result.js';

const mysqlUrl = z
  .string()
  .regex(/^mysql:\/\/[^/]+\/[A-Za-z0-9_]+(\?.*)?$/, 'must look like mysql://user[:password]@host[:port]/database');

const optionalSecret = z.string().min(1).optional();

/** Comma-separated country calling codes without `+` (`44`, `44,353`): 1 to 3 digits, not starting with 0. */
const callingCodeList = z
  .string()
  .refine((value) => value.split(',').every((code) => /^[1-9]\d{0,2}$/.test(code.trim())), 'must be country calling codes separated by commas, such as 44 or 44,353');

/** A string setting the domain's own parser accepts; its problem becomes the setting's message. */
const parsedBy = (parse: (text: string) => Result<Value<unknown>>) =>
  z.string().superRefine((value, ctx) => {
    const parsed = parse(value);
    if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.detail });
  });

/**
 * Every setting the app reads, with the defaults of DESIGN.md. Names are the public contract:
 * `local.settings.sample.json` and `infra/main.bicep` must set the same ones.
 */
export const configSchema = z.object({
  CLIENT_DB_URL: mysqlUrl.default('mysql://root@127.0.0.1:3306/repair_client'),
  LEDGER_DB_URL: mysqlUrl.default('mysql://root@127.0.0.1:3306/repair_ledger'),
  COSMOS_ENDPOINT: z.url().optional(),
  COSMOS_KEY: optionalSecret,
  COSMOS_DATABASE: z.string().min(1).default('repair'),
  COSMOS_JOBS_CONTAINER: z.string().min(1).default('jobs'),
  /** Container of discount codes, partitioned by /brandId. */
  COSMOS_DISCOUNT_CODES_CONTAINER: z.string().min(1).default('discountCodes'),
  SERVICEBUS_CONNECTION: optionalSecret,
  SERVICEBUS_CONNECTION__fullyQualifiedNamespace: z.string().min(1).optional(),
  SMS_QUEUE: z.string().min(1).default('sms-outbound'),
  VONAGE_API_KEY: optionalSecret,
  VONAGE_API_SECRET: optionalSecret,
  VONAGE_FROM: z.string().min(1).max(15).default('RepairRelay'),
  VONAGE_REST_HOST: z.url().default('https://rest.nexmo.com'),
  /** The account's signature secret (at least 16 characters, as infra/main.bicep asks): every Vonage webhook must be signed with it. */
  VONAGE_SIGNATURE_SECRET: z.string().min(16, 'must be at least 16 characters: the Vonage account signature secret').optional(),
  /**
   * `true` accepts Vonage webhooks without a signature when VONAGE_SIGNATURE_SECRET is unset. Only
   * a local host may set it (loadConfig refuses it elsewhere); without it the app does not start
   * without the secret (relayConfigSchema).
   */
  ALLOW_UNSIGNED_WEBHOOKS: flag,
  /** `true`: a console request without a signed-in principal is the local owner; local hosts only (loadConfig refuses it elsewhere). */
  CONSOLE_LOCAL_OWNER: flag,
  /** `True`, set by App Service, when its authentication strips clients' own X-MS-CLIENT-PRINCIPAL: only then is the header trusted. */
  WEBSITE_AUTH_ENABLED: z.string().optional(),
  /** The shop's name the staff console shows. */
  SHOP_NAME: z.string().trim().min(1).max(80).default('Repair Relay'),
  /**
   * The country calling codes the business serves: an after-hours auto-reply goes only to a mobile
   * number of one of them, never to a foreign or premium-rate destination (toll fraud).
   */
  AUTO_REPLY_COUNTRY_CODES: callingCodeList.default('44'),
  /** `true`: a STOP on any channel unsubscribes the customer from every channel, as "STOP ALL" always does. */
  STOP_UNSUBSCRIBES_ALL_CHANNELS: flag,
  /** The Vonage application whose key signs Messages API requests (JWT); without it, VONAGE_API_KEY and VONAGE_API_SECRET (basic auth). */
  VONAGE_APPLICATION_ID: z.string().trim().min(1).max(64).optional(),
  /**
   * The application's private key as PEM text (a Key Vault secret in Azure), not a file path.
   * App settings cannot hold line breaks everywhere, so a literal `\n` stands for one.
   */
  VONAGE_PRIVATE_KEY: z
    .string()
    .transform((value) => value.replace(/\\n/g, '\n').trim())
    .refine((value) => /^-----BEGIN (RSA )?PRIVATE KEY-----\n[\s\S]+\n-----END (RSA )?PRIVATE KEY-----$/.test(value), 'must be the PEM text of the private key (-----BEGIN PRIVATE KEY----- ...), not a file path')
    .optional(),
  /** Base URL of the Vonage Messages API (tests point it at a mock). */
  VONAGE_MESSAGES_HOST: z.url().default('https://api.nexmo.com'),
  /** Our WhatsApp business number, E.164; without it, WhatsApp has no configured gateway. */
  VONAGE_WHATSAPP_NUMBER: z
    .string()
    .regex(/^\+?[1-9]\d{6,14}$/, 'must be a phone number in E.164 form such as +447700900123')
    .optional(),
  /** Email: `smtp://user:pass@host:port` or `smtps://...`; without it (or EMAIL_FROM), email has no configured gateway. */
  SMTP_URL: z
    .string()
    .refine((value) => /^smtps?:\/\/[^/\s]+/.test(value) && URL.canParse(value), 'must look like smtp://user:pass@host:port or smtps://...')
    .optional(),
  /** The sender of notification email: `address` or `Name <address>`. */
  EMAIL_FROM: z
    .string()
    .trim()
    .regex(/^(?:[^<>@]*<[^\s<>@]+@[^\s<>@]+\.[^\s<>@]+>|[^\s<>@]+@[^\s<>@]+\.[^\s<>@]+)$/, 'must be an address or Name <address>')
    .optional(),
  PAYMENT_WEBHOOK_SECRET: optionalSecret,
  /** The signing secret (`whsec_...`) of the Stripe webhook endpoint that calls POST /api/payments/stripe. */
  STRIPE_WEBHOOK_SECRET: optionalSecret,
  /**
   * Keys the one-way phone lookup keys in the ledger (HMAC-SHA256), so they cannot be enumerated.
   * Required by the app (relayConfigSchema); changing it unmatches replies to earlier feedback SMS.
   */
  PHONE_KEY_SECRET: z
    .string()
    .min(MIN_PHONE_KEY_SECRET_LENGTH, `must be at least ${MIN_PHONE_KEY_SECRET_LENGTH} characters (for example \`openssl rand -hex 32\`)`)
    .optional(),
  POLL_SCHEDULE: z
    .string()
    .refine((value) => value.trim().split(/\s+/).length === 6, 'must be an NCRONTAB expression with 6 fields')
    .default('0 */1 * * * *'),
  PORT: z.coerce.number().int().min(1).max(65535).default(7071),
  /** Client ids ingested per poll; the rest waits for the next poll. */
  POLL_BATCH_SIZE: positiveInt(1000),
  /** How far below the checkpoint each poll looks again for ids that committed out of order. */
  POLL_LOOKBACK_IDS: positiveInt(500),
  /** Rows of `Jobs` each poll re-reads by key range to find jobs set back to NEW below the checkpoint. */
  POLL_SWEEP_ROWS: positiveInt(2000),
  /** Open jobs whose client status each poll mirrors; every open job is visited within ceil(open / this) polls. */
  POLL_MIRROR_ROWS: positiveInt(1000),
  /** Attempts at one SMS before it is given up as failed. */
  SMS_MAX_ATTEMPTS: positiveInt(12),
  /** Sends per second the Vonage account allows, across every instance; fractions allowed (docs/deploy.md, "Connection and rate budget"). */
  VONAGE_MAX_RPS: z.coerce.number().positive().default(30),
  /** How many instances may send at once (the Function App's maximumInstanceCount): each paces itself to VONAGE_MAX_RPS divided by this. */
  VONAGE_SENDING_INSTANCES: positiveInt(1),
  /** Connections each instance may open to the client database. */
  CLIENT_DB_POOL_SIZE: positiveInt(10),
  /** Connections each instance may open to the ledger for single statements. */
  LEDGER_DB_POOL_SIZE: positiveInt(20),
  /** Connections each instance may open to the ledger for multi-statement round trips (statistics, batched claims and outcomes). */
  LEDGER_DB_BATCH_POOL_SIZE: positiveInt(10),
  /** IANA time zone of the business; a customer without a time zone of their own is in it. */
  BUSINESS_TIMEZONE: z
    .string()
    .refine((zone) => IANAZone.isValidZone(zone), 'must be an IANA time zone such as Europe/London')
    .default('Europe/London'),
  /** Opening hours in the business's zone, grammar in src/domain/windows/businessCalendar.ts: `Mon-Fri 09:00-17:30; Sat 10:00-14:00`. */
  BUSINESS_HOURS: parsedBy(parseBusinessHours).default('Mon-Sat 08:00-20:00'),
  /** Comma-separated YYYY-MM-DD days (the business's local dates) it is closed. */
  BUSINESS_CLOSED_DATES: parsedBy(parseClosedDates).default(''),
  /** The brand whose discount code a reply to the feedback request earns, once per customer and brand; unset: replies earn nothing. */
  FEEDBACK_REWARD_BRAND: z.string().regex(BRAND_ID_PATTERN, 'must be a brandId of the discount code API: 1 to 64 letters, digits or "-"').optional(),
  ...runawaySettingsShape,
  /** Client id of a user-assigned managed identity, when Cosmos or Service Bus use identity auth. */
  AZURE_CLIENT_ID: z.string().min(1).optional(),
  ...customerPageSettings,
});

export type AppConfig = z.infer<typeof configSchema>;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

const UNSIGNED_WEBHOOKS_PROBLEM =
  'Missing setting VONAGE_SIGNATURE_SECRET: Vonage webhooks must be signed (the account signature secret, SHA-256 HMAC); only a local host may set ALLOW_UNSIGNED_WEBHOOKS=true instead';

/** A rule over several settings: the problem it finds, or undefined. */
type CrossFieldRule = (config: AppConfig) => string | undefined;

const required =
  (names: ReadonlyArray<keyof AppConfig>, hint: string): CrossFieldRule =>
  (config) => {
    const missing = names.filter((name) => config[name] === undefined);
    return missing.length > 0 ? `Missing setting ${missing.join(', ')}: ${hint}` : undefined;
  };

const bothOrNeither =
  (first: keyof AppConfig, second: keyof AppConfig, problem: string): CrossFieldRule =>
  (config) =>
    (config[first] === undefined) !== (config[second] === undefined) ? problem : undefined;

/** What sending needs, so both the relay and the ledger's route seeding check it. */
const GATEWAY_RULES: readonly CrossFieldRule[] = [
  required(['VONAGE_API_KEY', 'VONAGE_API_SECRET'], 'Vonage API credentials (npm start runs a local SMS sandbox)'),
  required(['PHONE_KEY_SECRET'], 'the secret that keys phone lookup keys in the ledger, at least 32 characters (openssl rand -hex 32)'),
  bothOrNeither('SMTP_URL', 'EMAIL_FROM', 'Set both SMTP_URL and EMAIL_FROM to send email, or neither'),
  bothOrNeither(
    'VONAGE_APPLICATION_ID',
    'VONAGE_PRIVATE_KEY',
    'Set both VONAGE_APPLICATION_ID and VONAGE_PRIVATE_KEY (Messages API with JWT), or neither (the API key and secret)',
  ),
];

const RELAY_RULES: readonly CrossFieldRule[] = [
  required(['COSMOS_ENDPOINT'], 'the Cosmos DB account endpoint (npm start embeds a local one)'),
  ...GATEWAY_RULES,
  // Unsigned webhooks would let anyone unsubscribe customers, score jobs and send SMS.
  (config) => (config.VONAGE_SIGNATURE_SECRET === undefined && config.ALLOW_UNSIGNED_WEBHOOKS !== 'true' ? UNSIGNED_WEBHOOKS_PROBLEM : undefined),
];

const withRules = (rules: readonly CrossFieldRule[]) =>
  configSchema.superRefine((config, ctx) => {
    for (const rule of rules) {
      const problem = rule(config);
      if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
    }
  });

/** The settings a worker (the relay) runs on: each setting valid, and the rules between them kept. */
export const relayConfigSchema = withRules(RELAY_RULES);
/** The settings the ledger's deployment step (migrations, route seeding) runs on. */
export const ledgerConfigSchema = withRules(GATEWAY_RULES);

type RequiredSettings<Names extends keyof AppConfig> = AppConfig & { [Name in Names]-?: NonNullable<AppConfig[Name]> };
export type LedgerConfig = RequiredSettings<'VONAGE_API_KEY' | 'VONAGE_API_SECRET' | 'PHONE_KEY_SECRET'>;
export type RelayConfig = LedgerConfig & RequiredSettings<'COSMOS_ENDPOINT'>;

/** Checks loaded settings against a schema with cross-field rules; the problems, one a line, make the ConfigError. */
function checkedBy<Checked extends AppConfig>(schema: ReturnType<typeof withRules>, config: AppConfig): Checked {
  const parsed = schema.safeParse(config);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => (issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message)).join('\n'));
  }
  // The rules' `required` checks are what narrow these settings to present; zod's types cannot see them.
  return parsed.data as Checked;
}

export const relayConfig = (config: AppConfig): RelayConfig => checkedBy<RelayConfig>(relayConfigSchema, config);
export const ledgerConfig = (config: AppConfig): LedgerConfig => checkedBy<LedgerConfig>(ledgerConfigSchema, config);

/** The business's opening hours (BUSINESS_TIMEZONE, BUSINESS_HOURS, BUSINESS_CLOSED_DATES), checked by the config schema already. */
export function businessCalendar(config: AppConfig): BusinessCalendar {
  const calendar = parseBusinessCalendar(config);
  if (!calendar.ok) throw new ConfigError(`Invalid business calendar: ${calendar.detail}`);
  return calendar.value;
}

/** AUTO_REPLY_COUNTRY_CODES as a list (the schema checked each code). */
export function countryCallingCodes(config: Pick<AppConfig, 'AUTO_REPLY_COUNTRY_CODES'>): string[] {
  return config.AUTO_REPLY_COUNTRY_CODES.split(',').map((code) => code.trim());
}

/**
 * The secret Vonage webhooks must be signed with, or null where a local host allows them unsigned
 * (ALLOW_UNSIGNED_WEBHOOKS=true). Fails closed: neither set is a ConfigError, at start-up and on
 * every webhook.
 */
export function webhookSecret(config: Pick<AppConfig, 'VONAGE_SIGNATURE_SECRET' | 'ALLOW_UNSIGNED_WEBHOOKS'>): string | null {
  if (config.VONAGE_SIGNATURE_SECRET) return config.VONAGE_SIGNATURE_SECRET;
  if (config.ALLOW_UNSIGNED_WEBHOOKS === 'true') return null;
  throw new ConfigError(UNSIGNED_WEBHOOKS_PROBLEM);
}

/** What Azure leaves in an app setting whose Key Vault reference it could not resolve. */
const UNRESOLVED_KEY_VAULT_REFERENCE = /^@Microsoft\.KeyVault\(/i;

export interface LoadOptions {
  /** The caller is a host on this machine (`npm start`, `npm run deps`, tests' loopback stacks), where local secrets and unsigned webhooks are allowed. */
  localHost?: boolean;
}

/**
 * Whether this process runs on a developer's machine: the caller says so, or Azure Functions Core
 * Tools (`func start`) runs it, which sets AZURE_FUNCTIONS_ENVIRONMENT=Development, and the App
 * Service platform, which sets WEBSITE_INSTANCE_ID on every instance in Azure, does not.
 */
function isLocalHost(env: NodeJS.ProcessEnv, options: LoadOptions): boolean {
  if (options.localHost) return true;
  return env.AZURE_FUNCTIONS_ENVIRONMENT?.trim() === 'Development' && (env.WEBSITE_INSTANCE_ID ?? '').trim() === '';
}

/** What only a local host may be configured with: the published local secrets and unsigned webhooks. */
function localOnlyProblems(present: Record<string, string | undefined>): string[] {
  const secrets = Object.entries(KNOWN_LOCAL_SECRETS)
    .filter(([name, localValue]) => present[name]?.trim() === localValue)
    .map(([name]) => `${name}: is the published local value from local.settings.sample.json; set a secret of your own (for example \`openssl rand -hex 32\`)`);
  const flags = present.ALLOW_UNSIGNED_WEBHOOKS?.trim() === 'true' ? ['ALLOW_UNSIGNED_WEBHOOKS: only a local host may accept unsigned webhooks; set VONAGE_SIGNATURE_SECRET instead'] : [];
  if (present.CONSOLE_LOCAL_OWNER?.trim() === 'true') flags.push('CONSOLE_LOCAL_OWNER: only a local host may sign console users in as the local owner; staff sign in with Microsoft Entra ID in Azure');
  return [...secrets, ...flags];
}

/**
 * Reads the settings once; an empty string counts as unset, as it does in Azure app settings.
 * Problems name the setting, never its value.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, options: LoadOptions = {}): AppConfig {
  const present = Object.fromEntries(
    Object.keys(configSchema.shape)
      .map((name) => [name, env[name]] as const)
      .filter(([, value]) => value !== undefined && value.trim() !== ''),
  );
  const unresolved = Object.entries(present)
    .filter(([, value]) => UNRESOLVED_KEY_VAULT_REFERENCE.test(value!.trim()))
    .map(([name]) => `${name}: is a Key Vault reference the platform could not resolve (check the secret and the identity's access to the vault)`);
  const parsed = configSchema.safeParse(present);
  const problems = [
    ...unresolved,
    ...(isLocalHost(env, options) ? [] : localOnlyProblems(present)),
    ...(parsed.success ? [] : issueLines(parsed.error.issues, { subject: '' })),
  ];
  if (!parsed.success || problems.length > 0) throw new ConfigError(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  return { ...parsed.data, PUBLIC_BASE_URL: parsed.data.PUBLIC_BASE_URL ?? defaultPublicBaseUrl(env, parsed.data.PORT) };
}
