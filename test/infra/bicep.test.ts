/**
 * Offline checks of the Azure templates (issue 5). No Bicep compiler runs here: these tests read
 * infra/, azure.yaml and the CI workflow as text and check what must stay true of them — that the
 * app settings match src/config.ts, that names agree with the code and DESIGN.md, that no secret
 * or key-based connection is in any file, and that the identity gets exactly the intended roles.
 * The GitHub workflow compiles the templates with `az bicep build`.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config.js';
import { retryDelayMs } from '../../src/domain/notifications/retries.js';
import {
  BicepFile,
  arrayItems,
  entryAt,
  isoDurationMinutes,
  objectEntries,
  stringLiteral,
  type Declared,
} from './bicepSource.js';

const repoRoot = resolve(__dirname, '..', '..');
const infraDir = join(repoRoot, 'infra');
const modulesDir = join(infraDir, 'modules');
const designPath = resolve(repoRoot, '..', 'shared', 'DESIGN.md');

const main = new BicepFile(join(infraDir, 'main.bicep'));
const mod = (name: string) => new BicepFile(join(modulesDir, `${name}.bicep`));
const functionAppModule = mod('functionapp');
const cosmosModule = mod('cosmos');
const serviceBusModule = mod('servicebus');
const keyVaultModule = mod('keyvault');
const storageModule = mod('storage');
const monitoringModule = mod('monitoring');
const ledgerModule = mod('mysql-ledger');

const bicepFiles = [main, ...readdirSync(modulesDir).filter((f) => f.endsWith('.bicep')).map((f) => new BicepFile(join(modulesDir, f)))];

// ---------------------------------------------------------------------------------------------
// Well-known ids. Azure built-in roles, as listed in Microsoft's "Azure built-in roles" reference
// (learn.microsoft.com/azure/role-based-access-control/built-in-roles), and the Cosmos DB for
// NoSQL data-plane built-in role ("Azure Cosmos DB for NoSQL data plane built-in roles reference").
// ---------------------------------------------------------------------------------------------
const STORAGE_BLOB_DATA_OWNER = 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'; // Storage Blob Data Owner
const STORAGE_QUEUE_DATA_CONTRIBUTOR = '974c5e8b-45b9-4653-ba55-5f855dd0fb88'; // Storage Queue Data Contributor
const STORAGE_TABLE_DATA_CONTRIBUTOR = '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'; // Storage Table Data Contributor
const SERVICE_BUS_DATA_SENDER = '69a216fc-b8fb-44d8-bc22-1f3c2cd27a39'; // Azure Service Bus Data Sender
const SERVICE_BUS_DATA_RECEIVER = '4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0'; // Azure Service Bus Data Receiver
const KEY_VAULT_SECRETS_USER = '4633458b-17de-408a-b874-0445c86b69e6'; // Key Vault Secrets User
const MONITORING_METRICS_PUBLISHER = '3913510d-42f4-4e42-8a64-420c390055eb'; // Monitoring Metrics Publisher
const COSMOS_DB_BUILT_IN_DATA_CONTRIBUTOR = '00000000-0000-0000-0000-000000000002'; // Cosmos DB Built-in Data Contributor

const ROLE_NAMES: Record<string, string> = {
  [STORAGE_BLOB_DATA_OWNER]: 'Storage Blob Data Owner',
  [STORAGE_QUEUE_DATA_CONTRIBUTOR]: 'Storage Queue Data Contributor',
  [STORAGE_TABLE_DATA_CONTRIBUTOR]: 'Storage Table Data Contributor',
  [SERVICE_BUS_DATA_SENDER]: 'Azure Service Bus Data Sender',
  [SERVICE_BUS_DATA_RECEIVER]: 'Azure Service Bus Data Receiver',
  [KEY_VAULT_SECRETS_USER]: 'Key Vault Secrets User',
  [MONITORING_METRICS_PUBLISHER]: 'Monitoring Metrics Publisher',
  [COSMOS_DB_BUILT_IN_DATA_CONTRIBUTOR]: 'Cosmos DB Built-in Data Contributor',
};

/** Every Azure RBAC grant the app's identity needs, and the resource type each is scoped to. */
const EXPECTED_ARM_GRANTS: Array<{ role: string; scopeTypes: string[] }> = [
  { role: STORAGE_BLOB_DATA_OWNER, scopeTypes: ['Microsoft.Storage/storageAccounts'] },
  { role: STORAGE_QUEUE_DATA_CONTRIBUTOR, scopeTypes: ['Microsoft.Storage/storageAccounts'] },
  { role: STORAGE_TABLE_DATA_CONTRIBUTOR, scopeTypes: ['Microsoft.Storage/storageAccounts'] },
  { role: SERVICE_BUS_DATA_SENDER, scopeTypes: ['Microsoft.ServiceBus/namespaces', 'Microsoft.ServiceBus/namespaces/queues'] },
  { role: SERVICE_BUS_DATA_RECEIVER, scopeTypes: ['Microsoft.ServiceBus/namespaces', 'Microsoft.ServiceBus/namespaces/queues'] },
  { role: KEY_VAULT_SECRETS_USER, scopeTypes: ['Microsoft.KeyVault/vaults'] },
  { role: MONITORING_METRICS_PUBLISHER, scopeTypes: ['Microsoft.Insights/components'] },
];

/**
 * App settings the template may set that are not configSchema names: what the Functions host and
 * its extensions read. Anything else the template sets must be a configSchema name.
 */
const HOST_SETTINGS: Record<string, string> = {
  AzureWebJobsStorage__accountName: 'host storage account, identity-based connection',
  AzureWebJobsStorage__credential: 'host storage uses a managed identity',
  AzureWebJobsStorage__clientId: 'which user-assigned identity the host storage connection uses',
  APPLICATIONINSIGHTS_CONNECTION_STRING: 'where the host sends telemetry',
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'Entra ID (managed identity) telemetry ingestion',
  SERVICEBUS_CONNECTION__credential: 'the Service Bus trigger connection uses a managed identity',
  SERVICEBUS_CONNECTION__clientId: 'which user-assigned identity the Service Bus trigger uses',
};

/** Settings Flex Consumption rejects or ignores, and key-based host storage. */
const FORBIDDEN_SETTINGS = [
  'FUNCTIONS_WORKER_RUNTIME',
  'FUNCTIONS_EXTENSION_VERSION',
  'WEBSITE_RUN_FROM_PACKAGE',
  'WEBSITE_CONTENTAZUREFILECONNECTIONSTRING',
  'WEBSITE_CONTENTSHARE',
  'WEBSITE_NODE_DEFAULT_VERSION',
  'AzureWebJobsStorage',
  'APPINSIGHTS_INSTRUMENTATIONKEY',
];

/** configSchema names whose values are secrets: Key Vault references, never plain values. */
const KEY_VAULT_SETTINGS = [
  'CLIENT_DB_URL',
  'LEDGER_DB_URL',
  'VONAGE_API_KEY',
  'VONAGE_API_SECRET',
  'VONAGE_SIGNATURE_SECRET',
  'PAYMENT_WEBHOOK_SECRET',
  'STRIPE_WEBHOOK_SECRET',
  'PHONE_KEY_SECRET',
  'VONAGE_PRIVATE_KEY',
  'SMTP_URL',
];

const configNames = Object.keys(configSchema.shape);
const configDefaults = configSchema.parse({}) as Record<string, unknown>;
/**
 * Optional secrets: each has a var of its own, `empty(<param>) ? {} : { NAME: <reference> }`,
 * merged into the app settings, so the setting (and the vault secret) exists only with a value.
 */
const OPTIONAL_SECRETS = [
  { setting: 'VONAGE_PRIVATE_KEY', param: 'vonagePrivateKey', variable: 'vonagePrivateKeySetting', resource: 'vonagePrivateKeySecret' },
  { setting: 'SMTP_URL', param: 'smtpUrl', variable: 'smtpUrlSetting', resource: 'smtpUrlSecret' },
];
function optionalSecretSetting(variable: string, param: string): Map<string, string> {
  const match = new RegExp(`^empty\\(${param}\\) \\? \\{\\} : (\\{[\\s\\S]*\\})$`).exec(main.variable(variable).trim());
  expect(match, `${variable} is empty(${param}) ? {} : { ... }`).not.toBeNull();
  return objectEntries(match![1]!);
}
const alwaysSetSettings = objectEntries(main.variable('appSettings'));
const appSettings = new Map([...alwaysSetSettings, ...OPTIONAL_SECRETS.flatMap(({ variable, param }) => [...optionalSecretSetting(variable, param)])]);
const hostSettings = objectEntries(functionAppModule.variable('hostSettings'));
const optionalSettings = JSON.parse(readFileSync(join(infraDir, 'optional-settings.json'), 'utf8')) as {
  optional: Record<string, string>;
};

function onlyResource(file: BicepFile, type: string): Declared {
  const found = file.resourcesOfType(type);
  expect(found, `${relative(repoRoot, file.path)} declares one ${type}`).toHaveLength(1);
  return found[0]!;
}

function property(resource: Declared, path: string): string | undefined {
  return entryAt(resource.body, path.split('.'));
}

/** The string a raw value stands for: a literal, or a var of the same file holding a literal. */
function resolveString(file: BicepFile, raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const literal = stringLiteral(raw);
  if (literal !== undefined) return literal;
  if (/^\w+$/.test(raw.trim())) {
    const variable = file.statements.find((s) => s.kind === 'var' && s.name === raw.trim());
    if (variable) return stringLiteral(file.variable(raw.trim()));
  }
  return undefined;
}

/** The role definition GUID a role assignment names: a literal, or `someVar.key` of a var object. */
function roleGuid(file: BicepFile, expression: string): string | undefined {
  const literal = /'([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})'/i.exec(expression);
  if (literal) return literal[1]!.toLowerCase();
  const reference = /\b(\w+)\.(\w+)\b/.exec(expression.replace(/'[^']*'/g, "''"));
  if (!reference) return undefined;
  const holder = file.statements.find((s) => s.kind === 'var' && s.name === reference[1]);
  if (!holder) return undefined;
  return stringLiteral(objectEntries(file.variable(reference[1]!)).get(reference[2]!))?.toLowerCase();
}

const allTextFiles = (): string[] => {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else files.push(path);
    }
  };
  walk(infraDir);
  files.push(join(repoRoot, 'azure.yaml'), join(repoRoot, '.github', 'workflows', 'ci.yml'));
  return files;
};

describe('app settings match src/config.ts', () => {
  it('sets or lists as optional every configSchema setting', () => {
    const optional = Object.keys(optionalSettings.optional);
    const missing = configNames.filter((name) => !appSettings.has(name) && !optional.includes(name));
    expect(missing, 'configSchema names neither set by main.bicep nor in infra/optional-settings.json').toEqual([]);
  });

  it('lists as optional only configSchema names that main.bicep does not set, each with a reason', () => {
    for (const [name, reason] of Object.entries(optionalSettings.optional)) {
      expect(configNames, `${name} in optional-settings.json is not in configSchema`).toContain(name);
      expect(appSettings.has(name), `${name} is both set by main.bicep and listed as optional`).toBe(false);
      expect(reason.trim().length, `${name} needs a reason`).toBeGreaterThan(10);
    }
  });

  it('sets nothing but configSchema names and the listed host settings', () => {
    for (const name of [...appSettings.keys(), ...hostSettings.keys()]) {
      const known = configNames.includes(name) || Object.hasOwn(HOST_SETTINGS, name);
      expect(known, `app setting ${name} is neither a configSchema name nor an allowed host setting`).toBe(true);
    }
    for (const name of hostSettings.keys()) {
      expect(configNames, `${name} belongs in main.bicep's appSettings, not the host settings`).not.toContain(name);
    }
    for (const name of FORBIDDEN_SETTINGS) {
      expect(appSettings.has(name) || hostSettings.has(name), `${name} must not be set on Flex Consumption`).toBe(false);
    }
  });

  it('passes the app settings to the Function App merged with the host settings', () => {
    expect(entryAt(main.module('functionApp').body, ['params', 'appSettings'])).toBe(
      `union(appSettings, ${OPTIONAL_SECRETS.map(({ variable }) => variable).join(', ')})`,
    );
    expect(functionAppModule.variable('allSettings')).toBe('union(appSettings, hostSettings)');
    const site = onlyResource(functionAppModule, 'Microsoft.Web/sites');
    expect(property(site, 'properties.siteConfig.appSettings')).toMatch(/for \w+ in items\(allSettings\)/);
  });

  it('uses identities, never keys, for Cosmos DB, Service Bus and host storage', () => {
    expect(appSettings.has('COSMOS_KEY')).toBe(false);
    expect(appSettings.has('SERVICEBUS_CONNECTION')).toBe(false);
    expect(appSettings.get('SERVICEBUS_CONNECTION__credential')).toBe("'managedidentity'");
    expect(appSettings.get('SERVICEBUS_CONNECTION__clientId')).toBe('identity.outputs.clientId');
    expect(appSettings.get('AZURE_CLIENT_ID')).toBe('identity.outputs.clientId');
    expect(appSettings.get('COSMOS_ENDPOINT')).toBe('cosmos.outputs.endpoint');
    expect(appSettings.get('SERVICEBUS_CONNECTION__fullyQualifiedNamespace')).toBe('serviceBus.outputs.fullyQualifiedNamespace');
    expect(hostSettings.get('AzureWebJobsStorage__accountName')).toBe('storageAccountName');
    expect(hostSettings.get('AzureWebJobsStorage__credential')).toBe("'managedidentity'");
    expect(hostSettings.get('AzureWebJobsStorage__clientId')).toBe('identityClientId');
    expect(hostSettings.get('APPLICATIONINSIGHTS_AUTHENTICATION_STRING')).toBe("'ClientId=${identityClientId};Authorization=AAD'");
    expect(entryAt(main.module('functionApp').body, ['params', 'identityClientId'])).toBe('identity.outputs.clientId');
  });

  it('reads every secret through a Key Vault reference resolved with the user-assigned identity', () => {
    const secretNames = objectEntries(main.variable('secretNames'));
    expect([...secretNames.keys()].sort()).toEqual([...KEY_VAULT_SETTINGS].sort());
    const vaultNames = [...secretNames.values()].map((raw) => stringLiteral(raw));
    for (const name of vaultNames) expect(name).toMatch(/^[0-9A-Za-z-]{1,127}$/);
    expect(new Set(vaultNames).size).toBe(vaultNames.length);
    for (const setting of KEY_VAULT_SETTINGS) {
      expect(appSettings.get(setting), setting).toBe(
        `'@Microsoft.KeyVault(SecretUri=\${keyVault.outputs.uri}secrets/\${secretNames.${setting}}/)'`,
      );
    }
    const nonSecretRefs = [...appSettings].filter(([name, value]) => !KEY_VAULT_SETTINGS.includes(name) && value.includes('@Microsoft.KeyVault'));
    expect(nonSecretRefs).toEqual([]);
    const site = onlyResource(functionAppModule, 'Microsoft.Web/sites');
    expect(property(site, 'properties.keyVaultReferenceIdentity')).toBe('identityId');
    expect(stringLiteral(property(site, 'identity.type'))).toBe('UserAssigned');
    expect(entryAt(main.module('functionApp').body, ['params', 'identityId'])).toBe('identity.outputs.id');
  });

  it('creates an optional secret, and its app setting, only when it has a value (Key Vault refuses an empty secret)', () => {
    for (const { setting, param, variable, resource } of OPTIONAL_SECRETS) {
      expect(alwaysSetSettings.has(setting), `${setting} is set only through ${variable}`).toBe(false);
      expect([...optionalSecretSetting(variable, param).keys()]).toEqual([setting]);
      const secret = keyVaultModule.resources().find((declared) => declared.name === resource);
      expect(secret?.condition, resource).toBe(`(!empty(${param}))`);
      expect(entryAt(main.module('keyVault').body, ['params', param])).toBe(param);
    }
  });

  it('stops the deployment with a clear message when the ledger URL is needed and missing', () => {
    const check = main.variable('ledgerDbUrlToStore');
    expect(check).toMatch(/^\(createLedgerServer \|\| !empty\(ledgerDbUrl\)\s*\? ledgerDbUrl\s*: fail\('ledgerDbUrl is required when createLedgerServer is false: run `azd env set LEDGER_DB_URL /);
    expect(entryAt(main.module('keyVault').body, ['params', 'ledgerDbUrl'])).toBe('ledgerDbUrlToStore');
  });

  it('stores each secret once: the client URL and Vonage/payment secrets in the vault module, the ledger URL in exactly one place', () => {
    const secrets = keyVaultModule.resourcesOfType('Microsoft.KeyVault/vaults/secrets');
    const byName = new Map(secrets.map((s) => [entryAt(s.body, ['name']), s]));
    for (const setting of KEY_VAULT_SETTINGS) {
      expect(byName.has(`secretNames.${setting}`), `keyvault.bicep stores ${setting}`).toBe(true);
    }
    expect(byName.get('secretNames.LEDGER_DB_URL')?.condition).toBe('(storeLedgerDbUrl)');
    expect(entryAt(main.module('keyVault').body, ['params', 'storeLedgerDbUrl'])).toBe('!createLedgerServer');
    expect(main.module('ledgerServer').condition).toBe('(createLedgerServer)');
    expect(entryAt(main.module('ledgerServer').body, ['params', 'ledgerSecretName'])).toBe('secretNames.LEDGER_DB_URL');
    const ledgerSecret = onlyResource(ledgerModule, 'Microsoft.KeyVault/vaults/secrets');
    expect(entryAt(ledgerSecret.body, ['name'])).toBe('ledgerSecretName');
  });
});

describe('names agree with the code and DESIGN.md', () => {
  const named: Array<{ setting: string; param: string; moduleName: string; moduleParam: string; output: string }> = [
    { setting: 'COSMOS_DATABASE', param: 'cosmosDatabaseName', moduleName: 'cosmos', moduleParam: 'databaseName', output: 'cosmos.outputs.databaseName' },
    { setting: 'COSMOS_JOBS_CONTAINER', param: 'cosmosJobsContainerName', moduleName: 'cosmos', moduleParam: 'jobsContainerName', output: 'cosmos.outputs.jobsContainerName' },
    { setting: 'COSMOS_DISCOUNT_CODES_CONTAINER', param: 'cosmosDiscountCodesContainerName', moduleName: 'cosmos', moduleParam: 'discountCodesContainerName', output: 'cosmos.outputs.discountCodesContainerName' },
    { setting: 'SMS_QUEUE', param: 'smsQueueName', moduleName: 'serviceBus', moduleParam: 'smsQueueName', output: 'serviceBus.outputs.queueName' },
  ];

  /** The Cosmos container whose name is the module parameter `nameParam`. */
  const containerNamed = (nameParam: string) => {
    const found = cosmosModule.resourcesOfType('Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers').filter((c) => property(c, 'name') === nameParam);
    expect(found, `infra/modules/cosmos.bicep declares one container named by ${nameParam}`).toHaveLength(1);
    return found[0]!;
  };

  it('creates the database, container and queue under the names configSchema defaults to', () => {
    expect(configDefaults).toMatchObject({ COSMOS_DATABASE: 'repair', COSMOS_JOBS_CONTAINER: 'jobs', SMS_QUEUE: 'sms-outbound' });
    for (const { setting, param, moduleName, moduleParam, output } of named) {
      expect(stringLiteral(main.param(param).defaultValue), `default of ${param}`).toBe(configDefaults[setting]);
      expect(entryAt(main.module(moduleName).body, ['params', moduleParam]), `${moduleName} gets ${param}`).toBe(param);
      expect(appSettings.get(setting), `${setting} comes from the created resource`).toBe(output);
    }
    const database = onlyResource(cosmosModule, 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases');
    const container = containerNamed('jobsContainerName');
    const queue = onlyResource(serviceBusModule, 'Microsoft.ServiceBus/namespaces/queues');
    expect(property(database, 'name')).toBe('databaseName');
    expect(property(queue, 'name')).toBe('smsQueueName');
    expect(cosmosModule.outputs().get('databaseName')).toBe(`${database.name}.name`);
    expect(cosmosModule.outputs().get('jobsContainerName')).toBe(`${container.name}.name`);
    expect(serviceBusModule.outputs().get('queueName')).toBe(`${queue.name}.name`);
    expect(cosmosModule.outputs().get('discountCodesContainerName')).toBe(`${containerNamed('discountCodesContainerName').name}.name`);
  });

  it('gives the other literal settings the defaults configSchema has', () => {
    for (const [setting, param] of [
      ['VONAGE_FROM', 'vonageFrom'],
      ['VONAGE_REST_HOST', 'vonageRestHost'],
      ['VONAGE_MESSAGES_HOST', 'vonageMessagesHost'],
      ['POLL_SCHEDULE', 'pollSchedule'],
      ['BUSINESS_TIMEZONE', 'businessTimezone'],
      ['BUSINESS_HOURS', 'businessHours'],
      ['BUSINESS_CLOSED_DATES', 'businessClosedDates'],
    ] as const) {
      expect(appSettings.get(setting)).toBe(param);
      expect(stringLiteral(main.param(param).defaultValue), `default of ${param}`).toBe(configDefaults[setting]);
    }
  });

  it('partitions the jobs container by /id and the discount codes by /brandId, as the code writes them', () => {
    const partitionPaths = (nameParam: string) =>
      arrayItems(property(containerNamed(nameParam), 'properties.resource.partitionKey.paths') ?? '[]').map((p) => resolveString(cosmosModule, p));
    expect(partitionPaths('jobsContainerName')).toEqual(['/id']);
    expect(partitionPaths('discountCodesContainerName')).toEqual(['/brandId']);
    const adapter = readFileSync(join(repoRoot, 'src', 'adapters', 'cosmos', 'client.ts'), 'utf8');
    const codePaths = /partitionKey:\s*\{\s*paths:\s*\[\s*'([^']+)'\s*\]/.exec(adapter);
    if (codePaths) expect(codePaths[1]).toBe('/id');
  });

  it.skipIf(!existsSync(designPath))('uses the names DESIGN.md gives (queue, database, container)', () => {
    const design = readFileSync(designPath, 'utf8').split('\n');
    const row = (name: string) => design.find((line) => line.startsWith('|') && line.includes(`\`${name}\``)) ?? '';
    expect(row('SMS_QUEUE')).toContain('`sms-outbound`');
    expect(row('COSMOS_DATABASE')).toContain('`repair`');
    expect(row('COSMOS_JOBS_CONTAINER')).toContain('`jobs`');
    expect(design.join('\n')).toContain('Service Bus queue `sms-outbound`');
  });
});

describe('Service Bus queue', () => {
  const namespace = onlyResource(serviceBusModule, 'Microsoft.ServiceBus/namespaces');
  const queue = onlyResource(serviceBusModule, 'Microsoft.ServiceBus/namespaces/queues');

  it('detects duplicates for longer than an hour and longer than the longest retry delay', () => {
    expect(property(queue, 'properties.requiresDuplicateDetection')).toBe('true');
    const window = resolveString(serviceBusModule, property(queue, 'properties.duplicateDetectionHistoryTimeWindow'));
    expect(window, 'duplicateDetectionHistoryTimeWindow').toBeDefined();
    const minutes = isoDurationMinutes(window!);
    expect(minutes).toBeGreaterThanOrEqual(60);
    expect(minutes * 60_000).toBeGreaterThan(retryDelayMs(64));
  });

  it('dead-letters after 10 deliveries and on expiry, on a tier that has duplicate detection, with SAS auth off', () => {
    expect(property(queue, 'properties.maxDeliveryCount')).toBe('10');
    expect(property(queue, 'properties.deadLetteringOnMessageExpiration')).toBe('true');
    expect(property(queue, 'properties.requiresSession')).not.toBe('true');
    expect(['Standard', 'Premium']).toContain(stringLiteral(property(namespace, 'sku.name')));
    expect(property(namespace, 'properties.disableLocalAuth')).toBe('true');
  });
});

describe('data services', () => {
  it('makes Cosmos DB serverless with key auth disabled', () => {
    const account = onlyResource(cosmosModule, 'Microsoft.DocumentDB/databaseAccounts');
    expect(property(account, 'properties.disableLocalAuth')).toBe('true');
    const capabilities = arrayItems(property(account, 'properties.capabilities') ?? '[]');
    expect(capabilities.map((c) => stringLiteral(entryAt(c, ['name'])))).toContain('EnableServerless');
    expect(property(account, 'properties.databaseAccountOfferType')).toBe("'Standard'");
  });

  it('disables shared keys on host storage and creates the deployment container', () => {
    const account = onlyResource(storageModule, 'Microsoft.Storage/storageAccounts');
    expect(property(account, 'properties.allowSharedKeyAccess')).toBe('false');
    expect(property(account, 'properties.allowBlobPublicAccess')).toBe('false');
    const container = onlyResource(storageModule, 'Microsoft.Storage/storageAccounts/blobServices/containers');
    expect(property(container, 'name')).toBe('deploymentContainerName');
  });

  it('keeps Application Insights on a Log Analytics workspace with local auth disabled', () => {
    const component = onlyResource(monitoringModule, 'Microsoft.Insights/components');
    expect(property(component, 'properties.WorkspaceResourceId')).toBe(`${onlyResource(monitoringModule, 'Microsoft.OperationalInsights/workspaces').name}.id`);
    expect(property(component, 'properties.DisableLocalAuth')).toBe('true');
  });

  it('uses a Key Vault in RBAC mode', () => {
    const vault = onlyResource(keyVaultModule, 'Microsoft.KeyVault/vaults');
    expect(property(vault, 'properties.enableRbacAuthorization')).toBe('true');
    expect(property(vault, 'properties.accessPolicies')).toBeUndefined();
  });

  it('creates the ledger server only on request: Burstable B1ms, MySQL 8.0, open to Azure services', () => {
    expect(main.param('createLedgerServer').type).toBe('bool');
    expect(main.param('createLedgerServer').defaultValue).toBe('false');
    const server = onlyResource(ledgerModule, 'Microsoft.DBforMySQL/flexibleServers');
    expect(stringLiteral(property(server, 'sku.name'))).toBe('Standard_B1ms');
    expect(stringLiteral(property(server, 'sku.tier'))).toBe('Burstable');
    expect(stringLiteral(property(server, 'properties.version'))).toMatch(/^8\.0(\.\d+)?$/);
    const rule = onlyResource(ledgerModule, 'Microsoft.DBforMySQL/flexibleServers/firewallRules');
    expect(stringLiteral(property(rule, 'properties.startIpAddress'))).toBe('0.0.0.0');
    expect(stringLiteral(property(rule, 'properties.endIpAddress'))).toBe('0.0.0.0');
    const secret = onlyResource(ledgerModule, 'Microsoft.KeyVault/vaults/secrets');
    const url = property(secret, 'properties.value') ?? '';
    expect(url).toMatch(/^'mysql:\/\/\$\{uriComponent\(administratorLogin\)\}:\$\{uriComponent\(administratorLoginPassword\)\}@\$\{server\.properties\.fullyQualifiedDomainName\}:3306\/\$\{database\.name\}/);
    expect(entryAt(main.module('ledgerServer').body, ['params', 'databaseName'])).toBe('ledgerDatabaseName');
    expect(stringLiteral(main.param('ledgerDatabaseName').defaultValue)).toMatch(/^[A-Za-z0-9_]+$/);
  });
});

describe('Flex Consumption Function App', () => {
  const plan = onlyResource(functionAppModule, 'Microsoft.Web/serverfarms');
  const site = onlyResource(functionAppModule, 'Microsoft.Web/sites');

  it('runs on an FC1 plan with Node 22 from functionAppConfig (Node 20 is past its end of life)', () => {
    expect(stringLiteral(property(plan, 'sku.name'))).toBe('FC1');
    expect(stringLiteral(property(plan, 'sku.tier'))).toBe('FlexConsumption');
    expect(stringLiteral(property(site, 'properties.functionAppConfig.runtime.name'))).toBe('node');
    expect(property(site, 'properties.functionAppConfig.runtime.version')).toBe('nodeVersion');
    for (const file of [main, functionAppModule]) {
      const allowed = file.param('nodeVersion').decorators.find((d) => d.startsWith('@allowed('));
      expect(allowed?.match(/'(\d+)'/g)?.map((v) => v.slice(1, -1)).sort()).toEqual(['22']);
      expect(stringLiteral(file.param('nodeVersion').defaultValue)).toBe('22');
    }
  });

  it('keeps the database connections of every instance at scale-out under each server\'s max_connections, with the reserve free', () => {
    const int = (name: string) => Number(main.param(name).defaultValue);
    const instances = int('maximumInstanceCount');
    expect(instances).toBe(40); // the least Flex Consumption allows
    expect(Number(functionAppModule.param('maximumInstanceCount').defaultValue)).toBe(instances);
    expect(entryAt(main.module('functionApp').body, ['params', 'maximumInstanceCount'])).toBe('maximumInstanceCount');
    const ledger = instances * (int('ledgerDbPoolSize') + int('ledgerDbBatchPoolSize')) + int('ledgerReservedConnections');
    const client = instances * int('clientDbPoolSize') + int('clientDbReservedConnections');
    expect(ledger).toBeLessThanOrEqual(int('ledgerMaxConnections'));
    expect(client).toBeLessThanOrEqual(int('clientDbMaxConnections'));
    expect(int('ledgerMaxConnections')).toBe(171); // Burstable B1ms, the server the template creates
    // The template refuses any other combination that breaks the budget, and sets the pools it checked.
    expect(main.variable('ledgerPoolSizes')).toMatch(
      /^\(maximumInstanceCount \* \(ledgerDbPoolSize \+ ledgerDbBatchPoolSize\) \+ ledgerReservedConnections <= ledgerMaxConnections\s*\? \{ single: ledgerDbPoolSize, batch: ledgerDbBatchPoolSize \}\s*: fail\('/,
    );
    expect(main.variable('clientPoolSize')).toMatch(/^\(maximumInstanceCount \* clientDbPoolSize \+ clientDbReservedConnections <= clientDbMaxConnections\s*\? clientDbPoolSize\s*: fail\('/);
    expect(appSettings.get('LEDGER_DB_POOL_SIZE')).toBe('string(ledgerPoolSizes.single)');
    expect(appSettings.get('LEDGER_DB_BATCH_POOL_SIZE')).toBe('string(ledgerPoolSizes.batch)');
    expect(appSettings.get('CLIENT_DB_POOL_SIZE')).toBe('string(clientPoolSize)');
    // Vonage's rate is the account's, shared by every instance that may send.
    expect(appSettings.get('VONAGE_MAX_RPS')).toBe('vonageMaxRps');
    expect(appSettings.get('VONAGE_SENDING_INSTANCES')).toBe('string(maximumInstanceCount)');
    // docs/deploy.md shows the same arithmetic with the same numbers.
    const docs = readFileSync(join(repoRoot, 'docs', 'deploy.md'), 'utf8');
    expect(docs).toContain(`${instances} × (${int('ledgerDbPoolSize')} + ${int('ledgerDbBatchPoolSize')}) + ${int('ledgerReservedConnections')} = ${ledger} ≤ ${int('ledgerMaxConnections')}`);
    expect(docs).toContain(`${instances} × ${int('clientDbPoolSize')} + ${int('clientDbReservedConnections')} = ${client} ≤ ${int('clientDbMaxConnections')}`);
  });

  it('deploys from the blob container with the user-assigned identity', () => {
    const storage = 'properties.functionAppConfig.deployment.storage';
    expect(stringLiteral(property(site, `${storage}.type`))).toBe('blobContainer');
    expect(property(site, `${storage}.value`)).toBe("'${storageBlobEndpoint}${deploymentContainerName}'");
    expect(stringLiteral(property(site, `${storage}.authentication.type`))).toBe('UserAssignedIdentity');
    expect(property(site, `${storage}.authentication.userAssignedIdentityResourceId`)).toBe('identityId');
    expect(property(site, 'properties.httpsOnly')).toBe('true');
  });

  it('is tagged as the azd service api', () => {
    expect(property(site, 'tags')).toContain("'azd-service-name': serviceName");
    expect(entryAt(main.module('functionApp').body, ['params', 'serviceName'])).toBe("'api'");
  });
});

describe('least-privilege access for the user-assigned identity', () => {
  it('writes each role id with the name of its built-in role beside it', () => {
    for (const file of bicepFiles) {
      file.raw.split('\n').forEach((line, index) => {
        for (const match of line.matchAll(/'([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})'/gi)) {
          const guid = match[1]!.toLowerCase();
          const where = `${relative(repoRoot, file.path)}:${index + 1}`;
          expect(ROLE_NAMES[guid], `${where}: ${guid} is not a known built-in role`).toBeDefined();
          expect(line, `${where}: name the role beside its id`).toMatch(new RegExp(`//\\s*${ROLE_NAMES[guid]}\\s*$`));
        }
      });
    }
  });

  it('grants exactly the expected Azure roles, each scoped to its resource', () => {
    const grants: Array<{ role: string; scopeType: string }> = [];
    for (const file of bicepFiles) {
      const types = new Map(file.resources().map((r) => [r.name, r.target]));
      for (const assignment of file.resourcesOfType('Microsoft.Authorization/roleAssignments')) {
        const where = `${relative(repoRoot, file.path)} ${assignment.name}`;
        const definition = property(assignment, 'properties.roleDefinitionId') ?? '';
        expect(definition, where).toMatch(/^subscriptionResourceId\('Microsoft\.Authorization\/roleDefinitions', /);
        const role = roleGuid(file, definition);
        expect(role, `${where}: role id`).toBeDefined();
        expect(property(assignment, 'properties.principalId'), where).toBe('principalId');
        expect(stringLiteral(property(assignment, 'properties.principalType')), where).toBe('ServicePrincipal');
        const scope = property(assignment, 'scope') ?? '';
        grants.push({ role: role!, scopeType: types.get(scope) ?? `unknown scope ${scope}` });
      }
    }
    const describeGrant = (g: { role: string; scopeType: string }) => `${ROLE_NAMES[g.role] ?? g.role} on ${g.scopeType}`;
    expect(grants).toHaveLength(EXPECTED_ARM_GRANTS.length);
    for (const expected of EXPECTED_ARM_GRANTS) {
      const match = grants.filter((g) => g.role === expected.role);
      expect(match, `one grant of ${ROLE_NAMES[expected.role]}; got ${grants.map(describeGrant).join(', ')}`).toHaveLength(1);
      expect(expected.scopeTypes, describeGrant(match[0]!)).toContain(match[0]!.scopeType);
    }
  });

  it('grants Cosmos DB data access with one Cosmos SQL role assignment of the Built-in Data Contributor', () => {
    const assignments = bicepFiles.flatMap((file) =>
      file.resourcesOfType('Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments').map((a) => ({ file, a })),
    );
    expect(assignments).toHaveLength(1);
    const { file, a } = assignments[0]!;
    const definition = property(a, 'properties.roleDefinitionId') ?? '';
    const id = /sqlRoleDefinitions\/(?:\$\{(\w+)\}|([0-9a-f-]{36}))/.exec(definition);
    expect(id, definition).not.toBeNull();
    const guid = id![2] ?? resolveString(file, id![1]);
    expect(guid).toBe(COSMOS_DB_BUILT_IN_DATA_CONTRIBUTOR);
    expect(property(a, 'properties.principalId')).toBe('principalId');
    expect(property(a, 'properties.scope')).toMatch(/^(\w+\.id|'\$\{\w+\.id\}\/dbs\/.+')$/);
  });

  it('grants them to the identity the app runs as', () => {
    expect(entryAt(main.module('access').body, ['params', 'principalId'])).toBe('identity.outputs.principalId');
    for (const dependency of ['access', 'ledgerServer']) {
      expect(entryAt(main.module('functionApp').body, ['dependsOn']), `functionApp waits for ${dependency}`).toMatch(
        new RegExp(`\\b${dependency}\\b`),
      );
    }
  });
});

describe('no secrets in templates, parameters or workflows', () => {
  const secretLike = /(password|secret|apikey|dburl)/i;

  it('contains no keys, connection strings or key-listing functions', () => {
    const forbidden = [/AccountKey=/i, /SharedAccessKey=/i, /listKeys\(/i, /listConnectionStrings\(/i, /InstrumentationKey=/i, /\.listSecrets\(/i];
    for (const path of allTextFiles()) {
      const text = readFileSync(path, 'utf8');
      for (const pattern of forbidden) {
        expect(pattern.test(text), `${relative(repoRoot, path)} contains ${pattern}`).toBe(false);
      }
      // A user:password pair that is neither interpolated (${...}) nor a <placeholder>.
      expect(/mysql:\/\/[^\s'"$@/<>]+:[^\s'"$@/<>]+@/.test(text), `${relative(repoRoot, path)} has a MySQL URL with a password`).toBe(false);
      // administratorLoginPassword: 'x', password = 'x' (not MARIADB_ALLOW_EMPTY_ROOT_PASSWORD: '1').
      expect(/\b[A-Za-z]*password\s*[:=]\s*'[^'$]+'/i.test(text), `${relative(repoRoot, path)} has a literal password`).toBe(false);
    }
  });

  it('marks every secret parameter @secure(), with no default but the empty string, and never outputs one', () => {
    for (const file of bicepFiles) {
      const where = relative(repoRoot, file.path);
      const secure = file.params().filter((p) => p.secure);
      for (const param of file.params()) {
        if (param.type === 'string' && secretLike.test(param.name) && !/names?$/i.test(param.name)) {
          expect(param.secure, `${where}: param ${param.name} must be @secure()`).toBe(true);
        }
      }
      for (const param of secure) {
        if (param.defaultValue !== undefined) expect(param.defaultValue, `${where}: default of ${param.name}`).toBe("''");
      }
      for (const [name, expression] of file.outputs()) {
        for (const param of secure) {
          expect(new RegExp(`\\b${param.name}\\b`).test(expression), `${where}: output ${name} exposes ${param.name}`).toBe(false);
        }
        expect(/connectionstring|password|secret/i.test(name) && !/APPLICATIONINSIGHTS|connectionString$/.test(name), `${where}: output ${name}`).toBe(false);
      }
    }
    for (const name of ['clientDbUrl', 'ledgerDbUrl', 'ledgerAdminPassword', 'vonageApiKey', 'vonageApiSecret', 'vonageSignatureSecret', 'paymentWebhookSecret', 'stripeWebhookSecret', 'phoneKeySecret']) {
      expect(main.param(name).secure, `main.bicep ${name}`).toBe(true);
    }
  });

  it('takes secrets in main.parameters.json only from environment variables', () => {
    const parameters = JSON.parse(readFileSync(join(infraDir, 'main.parameters.json'), 'utf8')) as {
      parameters: Record<string, { value: unknown }>;
    };
    const mainParams = new Map(main.params().map((p) => [p.name, p]));
    for (const [name, { value }] of Object.entries(parameters.parameters)) {
      const param = mainParams.get(name);
      expect(param, `main.parameters.json sets ${name}, which main.bicep does not declare`).toBeDefined();
      expect(typeof value).toBe('string');
      const reference = /^\$\{([A-Z][A-Z0-9_]*)(?:=([^}]*))?\}$/.exec(value as string);
      expect(reference, `${name} must come from an environment variable`).not.toBeNull();
      if (param!.secure) expect(reference![2], `secret ${name} has no default in main.parameters.json`).toBeUndefined();
      if (reference![2] !== undefined) {
        const bicepDefault = stringLiteral(param!.defaultValue) ?? param!.defaultValue;
        expect(reference![2], `default of ${name} in main.parameters.json and main.bicep`).toBe(bicepDefault);
      }
    }
    for (const param of mainParams.values()) {
      if (param.defaultValue === undefined) {
        expect(Object.keys(parameters.parameters), `required param ${param.name} is mapped`).toContain(param.name);
      }
    }
    expect(parameters.parameters.environmentName?.value).toBe('${AZURE_ENV_NAME}');
    expect(parameters.parameters.location?.value).toBe('${AZURE_LOCATION}');
  });
});

describe('template structure, outputs and azd wiring', () => {
  it('references only modules that exist, and every module file is used', () => {
    const used = new Set<string>();
    for (const module of main.modules()) {
      expect(module.target, `${module.name} is a local module`).toMatch(/^modules\/[\w-]+\.bicep$/);
      const path = join(infraDir, module.target);
      expect(existsSync(path), `${module.target} exists`).toBe(true);
      used.add(module.target);
    }
    const files = readdirSync(modulesDir).filter((f) => f.endsWith('.bicep')).map((f) => `modules/${f}`);
    expect([...used].sort()).toEqual(files.sort());
    expect(main.statements.find((s) => s.kind === 'targetScope')?.text).toBe("targetScope = 'subscription'");
    expect(main.resourcesOfType('Microsoft.Resources/resourceGroups')).toHaveLength(1);
    for (const module of main.modules()) expect(entryAt(module.body, ['scope']), module.name).toBe('rg');
  });

  it('describes every parameter', () => {
    for (const file of bicepFiles) {
      for (const param of file.params()) {
        expect(param.decorators.some((d) => d.startsWith('@description(')), `${relative(repoRoot, file.path)}: ${param.name}`).toBe(true);
      }
    }
  });

  it('outputs what azd and the app need', () => {
    const outputs = main.outputs();
    for (const name of [
      'AZURE_LOCATION',
      'AZURE_TENANT_ID',
      'AZURE_RESOURCE_GROUP',
      'AZURE_FUNCTION_APP_NAME',
      'SERVICE_API_NAME',
      'SERVICE_API_URI',
      'COSMOS_ENDPOINT',
      'SERVICEBUS_FULLY_QUALIFIED_NAMESPACE',
      'AZURE_KEY_VAULT_NAME',
    ]) {
      expect(outputs.has(name), `output ${name}`).toBe(true);
    }
    expect(outputs.get('SERVICE_API_NAME')).toBe('functionApp.outputs.name');
  });

  it('has an azure.yaml with one function service api built before packaging', () => {
    const yaml = readFileSync(join(repoRoot, 'azure.yaml'), 'utf8');
    const services = yaml.slice(yaml.indexOf('\nservices:'));
    expect(services).toMatch(/\n {2}api:\n {4}project: \.\n {4}language: ts\n {4}host: function\n/);
    expect(services.match(/\n {2}\w[\w-]*:\n/g)).toEqual(['\n  api:\n']);
    expect(yaml).toMatch(/\n {6}prepackage:\n/);
    expect(yaml.match(/run: npm install --no-audit --no-fund && npm run build/g)?.length).toBeGreaterThanOrEqual(1);
    expect(yaml).toMatch(/\ninfra:\n {2}provider: bicep\n {2}path: infra\n/);
  });

  it('has a CI workflow that tests against MariaDB 11 on Node 22 and compiles the Bicep', () => {
    const workflow = readFileSync(join(repoRoot, '.github', 'workflows', 'ci.yml'), 'utf8');
    expect(workflow).toMatch(/\n {2}push:/);
    expect(workflow).toMatch(/\n {2}pull_request:/);
    expect(workflow).toMatch(/image: mariadb:11\n/);
    expect(workflow).toMatch(/MARIADB_ALLOW_EMPTY_ROOT_PASSWORD: '1'/);
    expect(workflow).toMatch(/- 3306:3306/);
    expect(workflow).toMatch(/node-version: '22'/);
    expect(workflow).not.toMatch(/node-version: '20'/);
    expect(workflow).toMatch(/run: npm install\b/);
    expect(workflow).toMatch(/run: npm test\n/);
    expect(workflow).toMatch(/run: az bicep build --file infra\/main\.bicep\b/);
  });
});
