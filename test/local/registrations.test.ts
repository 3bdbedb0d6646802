import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { pollSettings } from '../../src/modules/jobs.js';
import { ConfigError, configSchema, loadConfig } from '../../src/config.js';
import { LOCAL_COSMOS_KEY } from '../../dev/cosmos.js';
import { parseTimeSpan, settingReferences } from '../../dev/settings.js';
import {
  LOCAL_DEPS_COSMOS_PORT,
  LOCAL_DEPS_MAIL_SINK_PORT,
  LOCAL_DEPS_SMS_SANDBOX_PORT,
  LOCAL_PAYMENT_WEBHOOK_SECRET,
  LOCAL_VONAGE_API_KEY,
  LOCAL_VONAGE_API_SECRET,
} from '../../dev/defaults.js';
import { parseRoute } from '../../dev/http.js';
import { registrations, type Registration } from '../../dev/functionsCore.js';

const repo = path.resolve(__dirname, '../..');
const functionsDir = path.join(repo, 'src/functions');
const designFile = path.resolve(repo, '../shared/DESIGN.md');

/**
 * DESIGN.md's HTTP API with the auth level each route needs in Azure: routes for staff and the
 * client system take a function key; callbacks from Vonage and the payment provider are signed
 * instead, and the health probe is open.
 */
const DESIGN_HTTP_ROUTES = [
  { method: 'POST', route: 'payments', authLevel: 'anonymous' },
  { method: 'POST', route: 'jobs/{jobId}/close', authLevel: 'function' },
  { method: 'GET', route: 'jobs/{jobId}', authLevel: 'function' },
  { method: 'PUT', route: 'jobs/{jobId}/status', authLevel: 'function' },
  { method: 'POST', route: 'webhooks/vonage/status', authLevel: 'anonymous' },
  { method: 'POST', route: 'webhooks/vonage/inbound', authLevel: 'anonymous' },
  { method: 'GET', route: 'health', authLevel: 'anonymous' },
  { method: 'POST', route: 'customers', authLevel: 'function' },
  { method: 'GET', route: 'customers/{customerId}', authLevel: 'function' },
  { method: 'PATCH', route: 'customers/{customerId}', authLevel: 'function' },
  { method: 'PUT', route: 'customers/{customerId}/subscriptions', authLevel: 'function' },
  { method: 'GET', route: 'channels', authLevel: 'function' },
  { method: 'POST', route: 'channels/{channel}/gateways', authLevel: 'function' },
  { method: 'PATCH', route: 'channels/{channel}/gateways/{gateway}', authLevel: 'function' },
  { method: 'GET', route: 'notifications', authLevel: 'function' },
  { method: 'POST', route: 'brands/{brandId}/discount-codes', authLevel: 'function' },
  { method: 'GET', route: 'brands/{brandId}/discount-codes', authLevel: 'function' },
  { method: 'POST', route: 'brands/{brandId}/discount-codes/claim', authLevel: 'function' },
  { method: 'POST', route: 'discount-codes/{code}/redeem', authLevel: 'function' },
  { method: 'GET', route: 'customers/{customerId}/next-send-time', authLevel: 'function' },
  { method: 'POST', route: 'broadcasts', authLevel: 'function' },
  { method: 'POST', route: 'stats/messages', authLevel: 'function' },
  { method: 'GET', route: 'stats', authLevel: 'function' },
] as const;

/**
 * Routes beyond DESIGN.md's table, each documented in README.md and ASSUMPTIONS.md as an
 * extension of the contract. Kept apart from DESIGN_HTTP_ROUTES so that list stays DESIGN.md's.
 */
const EXTENSION_HTTP_ROUTES = [
  // Issue 14: Stripe's own webhook events, anonymous and verified by their Stripe-Signature.
  { method: 'POST', route: 'payments/stripe', authLevel: 'anonymous' },
  // Issue 15: operators list and replay the outbound queue's dead letters (staff only).
  { method: 'GET', route: 'ops/dead-letters', authLevel: 'function' },
  { method: 'POST', route: 'ops/dead-letters/replay', authLevel: 'function' },
  // Issue 11: the bulk form of POST stats/messages (ASSUMPTIONS.md, Message statistics).
  { method: 'POST', route: 'stats/messages:batch', authLevel: 'function' },
  // Issue 9: the Vonage Messages API's status and inbound webhooks (SMS and WhatsApp sent through the
  // vonage-messages gateway), anonymous and verified by their signed JWT (ASSUMPTIONS.md, Channels and gateways).
  { method: 'POST', route: 'webhooks/vonage/messages/status', authLevel: 'anonymous' },
  { method: 'POST', route: 'webhooks/vonage/messages/inbound', authLevel: 'anonymous' },
  // Issue 10: the inbox, which DESIGN.md names in its prose (Contact windows) rather than in a table
  // or list, and the way staff mark a message handled (ASSUMPTIONS.md, Contact windows).
  { method: 'GET', route: 'inbox', authLevel: 'function' },
  { method: 'PATCH', route: 'inbox/{messageId}', authLevel: 'function' },
  // Issue 21: staff read customers' feedback (score, text, job, customer), paged newest first (docs/api.md).
  { method: 'GET', route: 'feedback', authLevel: 'function' },
  // Issue 23: the staff console's page and hashed assets (dist/web), anonymous: they hold no data, and
  // the JSON routes the console calls check who is signed in (docs/api.md, docs/console.md).
  { method: 'GET', route: 'console/{*path}', authLevel: 'anonymous' },
  // Issue 23: the staff console's JSON routes, anonymous to the host so App Service Authentication
  // decides who the user is; staffOnly then requires the staff or owner app role (docs/api.md, Staff console).
  { method: 'GET', route: 'staff/me', authLevel: 'anonymous' },
  { method: 'GET', route: 'staff/jobs', authLevel: 'anonymous' },
  { method: 'GET', route: 'staff/jobs/{jobId}', authLevel: 'anonymous' },
  { method: 'GET', route: 'staff/messages', authLevel: 'anonymous' },
  { method: 'POST', route: 'staff/messages/{notificationId}/resend', authLevel: 'anonymous' },
  { method: 'GET', route: 'staff/inbox', authLevel: 'anonymous' },
  { method: 'POST', route: 'inbox/{messageId}/reply', authLevel: 'anonymous' },
  { method: 'POST', route: 'staff/inbox/{messageId}/handled', authLevel: 'anonymous' },
  { method: 'POST', route: 'staff/inbox/{messageId}/pending', authLevel: 'anonymous' },
  { method: 'GET', route: 'staff/failures', authLevel: 'anonymous' },
  { method: 'POST', route: 'staff/failures/replay', authLevel: 'anonymous' },
  // Issue 24: the console's statistics, discount-code and feedback screens (docs/api.md, Staff console, part 2).
  { method: 'GET', route: 'staff/stats/series', authLevel: 'anonymous' },
  { method: 'GET', route: 'staff/stats/table', authLevel: 'anonymous' },
  { method: 'GET', route: 'staff/stats.csv', authLevel: 'anonymous' },
  { method: 'GET', route: 'staff/stats/flags', authLevel: 'anonymous' },
  { method: 'POST', route: 'staff/customers/{customerId}/release', authLevel: 'anonymous' },
  { method: 'POST', route: 'staff/brands/{brandId}/discount-codes', authLevel: 'anonymous' },
  { method: 'GET', route: 'staff/discount-codes/{code}', authLevel: 'anonymous' },
  { method: 'POST', route: 'staff/discount-codes/{code}/redeem', authLevel: 'anonymous' },
  { method: 'GET', route: 'staff/feedback/summary', authLevel: 'anonymous' },
  { method: 'GET', route: 'staff/feedback/low-scores', authLevel: 'anonymous' },
  // Issue 25: the customer's own page, anonymous (its token is the key), and its forms and assets (docs/customer-page.md).
  { method: 'GET', route: 't/{token}', authLevel: 'anonymous' },
  { method: 'POST', route: 't/{token}/preferences', authLevel: 'anonymous' },
  { method: 'POST', route: 't/{token}/question', authLevel: 'anonymous' },
  { method: 'POST', route: 't/{token}/feedback', authLevel: 'anonymous' },
  { method: 'GET', route: 't/assets/{file}', authLevel: 'anonymous' },
] as const;

/** DESIGN.md routes whose feature has not landed yet (customers and channels, discount codes). */
const NOT_YET_BUILT = new Set<string>([]);

/**
 * The DESIGN.md routes that must be registered today; a route added to DESIGN.md goes into
 * DESIGN_HTTP_ROUTES (and NOT_YET_BUILT) first, and leaves NOT_YET_BUILT when its function lands.
 */
const REQUIRED_HTTP_ROUTES = [...DESIGN_HTTP_ROUTES, ...EXTENSION_HTTP_ROUTES].map((r) => `${r.method} ${r.route}`).filter((key) => !NOT_YET_BUILT.has(key));

/** App settings that belong to the Functions host rather than to src/config.ts. */
const HOST_SETTINGS = ['FUNCTIONS_WORKER_RUNTIME', 'AzureWebJobsStorage'];

type Binding = Registration['bindings'][string];

/** The function files src/functions/index.ts imports, relative to src/functions, as .ts paths. */
function indexedFunctionFiles(): string[] {
  const index = readFileSync(path.join(functionsDir, 'index.ts'), 'utf8');
  return [...index.matchAll(/^import '\.\/([^']+)\.js';$/gm)].map((m) => `${m[1]}.ts`);
}

function triggerOf(reg: Registration): Binding {
  const triggers = Object.values(reg.bindings).filter((b) => /trigger$/i.test(b.type));
  expect(triggers, `${reg.name} has one trigger`).toHaveLength(1);
  return triggers[0]!;
}

function httpRoutes(): Array<{ name: string; method: string; route: string; authLevel: string }> {
  return [...registrations.values()]
    .filter((reg) => triggerOf(reg).type === 'httpTrigger')
    .flatMap((reg) => {
      const trigger = triggerOf(reg);
      const methods = (trigger.methods as string[] | undefined) ?? [];
      return methods.map((method) => ({ name: reg.name, method: method.toUpperCase(), route: String(trigger.route ?? reg.name), authLevel: String(trigger.authLevel) }));
    });
}

/** Every string anywhere in a binding, for `%NAME%` references. */
function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value && typeof value === 'object') return Object.values(value).flatMap(strings);
  return [];
}

const sample = JSON.parse(readFileSync(path.join(repo, 'local.settings.sample.json'), 'utf8')) as {
  IsEncrypted: boolean;
  Values: Record<string, string>;
};
const hostJson = JSON.parse(readFileSync(path.join(repo, 'host.json'), 'utf8')) as Record<string, any>;

describe('function registrations against DESIGN.md, host.json and local.settings.sample.json', () => {
  const fromFile = new Map<string, string[]>();

  beforeAll(async () => {
    // Every function file, in the order package.json `main` (dist/src/functions/index.js) loads them.
    for (const file of indexedFunctionFiles()) {
      const before = new Set(registrations.keys());
      await import(path.join(functionsDir, file));
      fromFile.set(file, [...registrations.keys()].filter((name) => !before.has(name)));
    }
  });

  it('every function file registers at least one function, with a trigger both hosts run', () => {
    expect(fromFile.size).toBeGreaterThan(0);
    for (const [file, names] of fromFile) expect(names.length, `${file} registers a function`).toBeGreaterThan(0);
    for (const reg of registrations.values()) {
      expect(['httpTrigger', 'timerTrigger', 'serviceBusTrigger'], reg.name).toContain(triggerOf(reg).type);
    }
  });

  it('loads every file that registers a function from the entry point package.json names', () => {
    expect(JSON.parse(readFileSync(path.join(repo, 'package.json'), 'utf8')).main).toBe('dist/src/functions/index.js');
    const registering = readdirSync(functionsDir, { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.ts') && /\bapp\.(http|timer|serviceBusQueue)\(/.test(readFileSync(path.join(functionsDir, file), 'utf8')))
      .map((file) => file.split(path.sep).join('/'))
      .sort();
    expect(indexedFunctionFiles().sort()).toEqual(registering);
  });

  it('polls the client table on %POLL_SCHEDULE%', () => {
    const trigger = triggerOf(registrations.get('pollClientJobs')!);
    expect(trigger).toMatchObject({ type: 'timerTrigger', direction: 'in', schedule: '%POLL_SCHEDULE%' });
    expect(trigger.runOnStartup).not.toBe(true);
  });

  it('sends SMS from the %SMS_QUEUE% queue on the SERVICEBUS_CONNECTION connection, one message at a time', () => {
    const trigger = triggerOf(registrations.get('sendNotification')!);
    expect(trigger).toMatchObject({ type: 'serviceBusTrigger', direction: 'in', queueName: '%SMS_QUEUE%', connection: 'SERVICEBUS_CONNECTION' });
    expect(trigger.isSessionsEnabled).not.toBe(true);
    expect(trigger.cardinality === undefined || trigger.cardinality === 'one').toBe(true);
    expect(trigger.topicName).toBeUndefined();
  });

  it('registers only DESIGN.md routes (and the documented extensions), each with its auth level, a parseable template and an HTTP output', () => {
    const design = new Map([...DESIGN_HTTP_ROUTES, ...EXTENSION_HTTP_ROUTES].map((r) => [`${r.method} ${r.route}`, r.authLevel]));
    const seen = new Set<string>();
    for (const { name, method, route, authLevel } of httpRoutes()) {
      const key = `${method} ${route}`;
      expect(design.has(key), `${name} answers ${key}, which DESIGN.md does not list`).toBe(true);
      expect(authLevel, `${name} (${key}) auth level`).toBe(design.get(key));
      expect(seen.has(key), `${key} is registered twice`).toBe(false);
      seen.add(key);
      expect(() => parseRoute(route)).not.toThrow();
      expect(registrations.get(name)!.bindings.$return).toMatchObject({ type: 'http', direction: 'out' });
    }
  });

  it('registers every DESIGN.md route that exists today, and every extension', () => {
    const registered = new Set(httpRoutes().map((r) => `${r.method} ${r.route}`));
    expect(REQUIRED_HTTP_ROUTES.filter((key) => !registered.has(key))).toEqual([]);
  });

  it.skipIf(!existsSync(designFile))('keeps its DESIGN.md route list in step with DESIGN.md itself', () => {
    const design = readFileSync(designFile, 'utf8');
    // Routes open a table row or a list item.
    const listed = [...design.matchAll(/^(?:\||-)\s*`(GET|POST|PUT|PATCH|DELETE) \/api\/([^`?]+)/gm)].map((m) => `${m[1]} ${m[2]}`);
    expect(listed.sort()).toEqual(DESIGN_HTTP_ROUTES.map((r) => `${r.method} ${r.route}`).sort());
  });

  it("lists in docs/api.md, the clone's own contract, exactly the routes the app registers", () => {
    const api = readFileSync(path.join(repo, 'docs/api.md'), 'utf8');
    const listed = [...api.matchAll(/^(?:\||-)\s*`(GET|POST|PUT|PATCH|DELETE) \/api\/([^`?[]+)/gm)].map((m) => `${m[1]} ${m[2]}`);
    expect(listed.sort()).toEqual([...DESIGN_HTTP_ROUTES, ...EXTENSION_HTTP_ROUTES].map((r) => `${r.method} ${r.route}`).sort());
  });

  it('finds every %SETTING% and connection the bindings use in local.settings.sample.json', () => {
    const values = sample.Values;
    const used = new Set<string>();
    for (const reg of registrations.values()) {
      for (const binding of Object.values(reg.bindings)) {
        for (const name of strings(binding).flatMap(settingReferences)) {
          used.add(name);
          expect(values[name], `%${name}% (function ${reg.name}) in local.settings.sample.json`).toBeTruthy();
        }
        if (typeof binding.connection === 'string') {
          const connection = binding.connection;
          used.add(connection);
          expect(Object.keys(values), `connection ${connection} of ${reg.name}`).toContain(connection);
          expect(values[connection] || values[`${connection}__fullyQualifiedNamespace`], `connection ${connection} has a local value`).toBeTruthy();
        }
      }
    }
    expect([...used].sort()).toEqual(expect.arrayContaining(['POLL_SCHEDULE', 'SERVICEBUS_CONNECTION', 'SMS_QUEUE']));
  });
});

describe('local.settings.sample.json', () => {
  it('is what func start expects', () => {
    expect(sample.IsEncrypted).toBe(false);
    expect(sample.Values.FUNCTIONS_WORKER_RUNTIME).toBe('node');
    expect(sample.Values.AzureWebJobsStorage).toBe('UseDevelopmentStorage=true');
  });

  it('lists every setting of src/config.ts, and nothing else but the host settings', () => {
    const names = Object.keys(configSchema.shape);
    expect(Object.keys(sample.Values).filter((k) => !HOST_SETTINGS.includes(k)).sort()).toEqual([...names].sort());
  });

  it('holds values the app accepts, pointing at npm run deps, the Service Bus emulator and the local secrets', () => {
    const config = loadConfig(sample.Values, { localHost: true });
    expect(config.COSMOS_KEY).toBe(LOCAL_COSMOS_KEY);
    expect(new URL(config.COSMOS_ENDPOINT!).port).toBe(String(LOCAL_DEPS_COSMOS_PORT));
    expect(new URL(config.VONAGE_REST_HOST).port).toBe(String(LOCAL_DEPS_SMS_SANDBOX_PORT));
    expect(new URL(config.VONAGE_MESSAGES_HOST).port).toBe(String(LOCAL_DEPS_SMS_SANDBOX_PORT));
    expect(new URL(config.SMTP_URL!).port).toBe(String(LOCAL_DEPS_MAIL_SINK_PORT));
    expect([config.VONAGE_API_KEY, config.VONAGE_API_SECRET]).toEqual([LOCAL_VONAGE_API_KEY, LOCAL_VONAGE_API_SECRET]);
    expect(config.PAYMENT_WEBHOOK_SECRET).toBe(LOCAL_PAYMENT_WEBHOOK_SECRET);
    expect(config.SERVICEBUS_CONNECTION).toContain('UseDevelopmentEmulator=true');
    expect(config.POLL_SCHEDULE).toBe('0 */1 * * * *');
  });

  it('is refused outside a local host: its published secrets and unsigned webhooks would let anyone in', () => {
    const load = () => loadConfig(sample.Values);
    expect(load).toThrow(ConfigError);
    for (const name of ['PAYMENT_WEBHOOK_SECRET', 'STRIPE_WEBHOOK_SECRET', 'PHONE_KEY_SECRET', 'VONAGE_API_SECRET', 'ALLOW_UNSIGNED_WEBHOOKS', 'CONSOLE_LOCAL_OWNER']) {
      expect(load).toThrow(new RegExp(`\\n  ${name}: `));
    }
    expect(load).not.toThrow(/local-payment-webhook-secret|whsec_local/);
  });
});

describe('host.json', () => {
  it('is a version 2.0 host file with the v4 extension bundle', () => {
    expect(hostJson.version).toBe('2.0');
    expect(hostJson.extensionBundle).toEqual({ id: 'Microsoft.Azure.Functions.ExtensionBundle', version: '[4.*, 5.0.0)' });
  });

  it('serves HTTP under /api and settles Service Bus messages the way sendNotification relies on', () => {
    expect(hostJson.extensions.http.routePrefix).toBe('api');
    const serviceBus = hostJson.extensions.serviceBus;
    // sendNotification throws to have a message redelivered and finally dead-lettered: that needs auto-completion.
    expect(serviceBus.autoCompleteMessages).toBe(true);
    expect(Number.isInteger(serviceBus.maxConcurrentCalls) && serviceBus.maxConcurrentCalls > 0).toBe(true);
    expect(parseTimeSpan(serviceBus.maxAutoLockRenewalDuration, 'maxAutoLockRenewalDuration')).toBeGreaterThan(0);
  });

  it('lets a poll finish inside the function timeout', () => {
    // pollClientJobs stops starting new batches after maxRunMs, so that it ends inside the timeout.
    expect(parseTimeSpan(hostJson.functionTimeout, 'functionTimeout')).toBeGreaterThan(pollSettings(loadConfig({})).maxRunMs);
  });
});
