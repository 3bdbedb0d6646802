import { z } from 'zod';
import { MIN_PHONE_KEY_SECRET_LENGTH } from './adapters/signatures/phoneKeys.js';

const mysqlUrl = z
  .string()
  .regex(/^mysql:\/\/[^/]+\/[A-Za-z0-9_]+(\?.*)?$/, 'must look like mysql://user[:password]@host[:port]/database');

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

const optionalSecret = z.string().min(1).optional();

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
  VONAGE_SIGNATURE_SECRET: optionalSecret,
  PAYMENT_WEBHOOK_SECRET: optionalSecret,
  /** The signing secret (`whsec_...`) of the Stripe webhook endpoint that calls POST /api/payments/stripe. */
  STRIPE_WEBHOOK_SECRET: optionalSecret,
  /**
   * Keys the one-way phone lookup keys in the ledger (HMAC-SHA256), so they cannot be enumerated.
   * Required by the app (compositionRoot.ts); changing it unmatches replies to earlier feedback SMS.
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
  /** Sends per second this instance allows itself at Vonage (ASSUMPTIONS.md: with scale-out, the account rate divided by the instances). */
  VONAGE_MAX_RPS: positiveInt(30),
  /** Client id of a user-assigned managed identity, when Cosmos or Service Bus use identity auth. */
  AZURE_CLIENT_ID: z.string().min(1).optional(),
});

export type AppConfig = z.infer<typeof configSchema>;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** What Azure leaves in an app setting whose Key Vault reference it could not resolve. */
const UNRESOLVED_KEY_VAULT_REFERENCE = /^@Microsoft\.KeyVault\(/i;

/**
 * Reads the settings once; an empty string counts as unset, as it does in Azure app settings.
 * Problems name the setting, never its value.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
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
    ...(parsed.success ? [] : parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`)),
  ];
  if (!parsed.success || problems.length > 0) throw new ConfigError(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  return parsed.data;
}
