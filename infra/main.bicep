// Repair Relay on Azure: a Flex Consumption Function App and everything it talks to.
// azd convention: subscription scope, one resource group per azd environment.
// Deploy with `azd up` (see docs/deploy.md). test/infra/bicep.test.ts checks this file offline.
targetScope = 'subscription'

// ---------------------------------------------------------------------------------------------
// Parameters
// ---------------------------------------------------------------------------------------------

@minLength(1)
@maxLength(64)
@description('Name of the azd environment; it seeds the unique suffix of every resource name.')
param environmentName string

@minLength(1)
@description('Azure region for all resources. It must offer Flex Consumption Function Apps.')
@metadata({
  azd: {
    type: 'location'
  }
})
param location string

@description('Name of the resource group to create; default rg-<environmentName>.')
param resourceGroupName string = ''

@description('Node.js major version the Function App runs on (Node 20 reached end of life on 2026-04-30).')
@allowed([
  '22'
])
param nodeVersion string = '22'

@description('Most instances the Function App may scale out to (40 is the least Flex Consumption allows). Every instance may open its pools in full: see the connection budget below and docs/deploy.md.')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 40

@description('max_connections of the ledger server: 171 on Burstable B1ms (the server this template creates). Set it for an existing ledger.')
@minValue(20)
param ledgerMaxConnections int = 171

@description('Ledger connections kept free of the app instances: administrators, monitoring, and the prepareLedger deployment step (3).')
@minValue(10)
param ledgerReservedConnections int = 25

@description('Ledger connections each instance may open for single statements (LEDGER_DB_POOL_SIZE).')
@minValue(1)
param ledgerDbPoolSize int = 2

@description('Ledger connections each instance may open for multi-statement round trips (LEDGER_DB_BATCH_POOL_SIZE).')
@minValue(1)
param ledgerDbBatchPoolSize int = 1

@description('max_connections of the client database (MySQL\'s default is 151).')
@minValue(20)
param clientDbMaxConnections int = 151

@description('Client database connections kept free of the app: the client\'s own system, administrators, and the prepareLedger deployment step (1).')
@minValue(10)
param clientDbReservedConnections int = 50

@description('Client database connections each instance may open (CLIENT_DB_POOL_SIZE).')
@minValue(1)
param clientDbPoolSize int = 2

@description('Sends per second the Vonage account allows, across every instance (VONAGE_MAX_RPS); a decimal such as 30 or 0.5. Each instance paces itself to this divided by maximumInstanceCount.')
param vonageMaxRps string = '30'

@description('Memory of each Function App instance in MB.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

@description('Cosmos DB database of the job documents (COSMOS_DATABASE).')
param cosmosDatabaseName string = 'repair'

@description('Cosmos DB container of the job documents, partitioned by /id (COSMOS_JOBS_CONTAINER).')
param cosmosJobsContainerName string = 'jobs'

@description('Cosmos DB container of the discount codes, partitioned by /brandId (COSMOS_DISCOUNT_CODES_CONTAINER).')
param cosmosDiscountCodesContainerName string = 'discountCodes'

@description('Service Bus queue of outbound SMS messages (SMS_QUEUE).')
param smsQueueName string = 'sms-outbound'

@minLength(1)
@maxLength(15)
@description('Sender id or number the SMS come from (VONAGE_FROM).')
param vonageFrom string = 'RepairRelay'

@description('Base URL of the Vonage REST API (VONAGE_REST_HOST).')
param vonageRestHost string = 'https://rest.nexmo.com'

@description('Base URL of the Vonage Messages API (VONAGE_MESSAGES_HOST).')
param vonageMessagesHost string = 'https://api.nexmo.com'

@description('Id of the Vonage application whose private key signs Messages API requests (VONAGE_APPLICATION_ID); empty: the Messages API uses the API key and secret.')
param vonageApplicationId string = ''

@description('Our WhatsApp business number in E.164 (VONAGE_WHATSAPP_NUMBER); empty: WhatsApp has no configured gateway.')
param vonageWhatsappNumber string = ''

@description('Sender of notification email, `address` or `Name <address>` (EMAIL_FROM); empty (with smtpUrl): email has no configured gateway.')
param emailFrom string = ''

@description('NCRONTAB schedule (6 fields) of the client job poller (POLL_SCHEDULE).')
param pollSchedule string = '0 */1 * * * *'

@description('IANA time zone of the business (BUSINESS_TIMEZONE); customers without a time zone of their own are in it.')
param businessTimezone string = 'Europe/London'

@description('Opening hours in the business time zone (BUSINESS_HOURS), e.g. `Mon-Fri 09:00-17:30; Sat 10:00-14:00`; messages to customers wait for them.')
param businessHours string = 'Mon-Sat 08:00-20:00'

@description('Comma-separated YYYY-MM-DD days the business is closed (BUSINESS_CLOSED_DATES), e.g. `2026-12-25,2026-12-28`; empty for none.')
param businessClosedDates string = ''

@description('Country calling codes the business serves, comma-separated without + (AUTO_REPLY_COUNTRY_CODES), e.g. `44` or `44,353`: after-hours auto-replies go only to mobiles of these countries.')
param autoReplyCountryCodes string = '44'

@allowed(['true', 'false'])
@description('`true`: a STOP on any channel unsubscribes the customer from every channel (STOP_UNSUBSCRIBES_ALL_CHANNELS); "STOP ALL" always does.')
param stopUnsubscribesAllChannels string = 'false'

@description('Application (client) id of the staff console\'s Entra ID app registration with app roles staff and owner (docs/deploy.md, "Staff sign-in"); empty until it exists: the console then lets no one in.')
param consoleClientId string = ''

@description('The shop\'s name the staff console shows (SHOP_NAME).')
param shopName string = 'Repair Relay'

@description('Brand of the discount code a reply to the feedback request earns, once per customer and brand (FEEDBACK_REWARD_BRAND); empty: replies earn nothing.')
param feedbackRewardBrand string = ''

@secure()
@description('Connection URL of the existing client MySQL database that holds `Jobs` (mysql://<user>:<password>@<host>:3306/<database>). Stored in Key Vault.')
param clientDbUrl string

@secure()
@description('Vonage API key. Stored in Key Vault.')
param vonageApiKey string

@secure()
@description('Vonage API secret. Stored in Key Vault.')
param vonageApiSecret string

@secure()
@minLength(16)
@description('Vonage signature secret (Settings, signed webhooks, SHA-256 HMAC) that every Vonage webhook must be signed with; the app does not start without it. Stored in Key Vault.')
param vonageSignatureSecret string

@secure()
@description('Secret the payment provider signs its callbacks with. Stored in Key Vault.')
param paymentWebhookSecret string

@secure()
@description('Signing secret (whsec_...) of the Stripe webhook endpoint that calls /api/payments/stripe. Stored in Key Vault.')
param stripeWebhookSecret string

@secure()
@minLength(32)
@description('Secret that keys the phone lookup keys in the ledger (HMAC-SHA256), at least 32 characters, e.g. `openssl rand -hex 32`. Keep it: a new value unmatches replies to feedback SMS sent before. Stored in Key Vault.')
param phoneKeySecret string

@secure()
@description('PEM text of the Vonage application private key (VONAGE_PRIVATE_KEY), not a path; a literal \\n may stand for a line break. Empty with vonageApplicationId empty. Stored in Key Vault.')
param vonagePrivateKey string = ''

@secure()
@description('SMTP server of notification email, smtp://user:pass@host:port or smtps://... (SMTP_URL); empty: no email. Stored in Key Vault.')
param smtpUrl string = ''

@description('Create the ledger database on a new Azure Database for MySQL Flexible Server (Burstable B1ms, MySQL 8.0). When false, ledgerDbUrl points at an existing database.')
param createLedgerServer bool = false

@secure()
@description('Connection URL of an existing ledger MySQL database; required when createLedgerServer is false. Stored in Key Vault.')
param ledgerDbUrl string = ''

@description('Administrator login of the ledger server; used only when createLedgerServer is true.')
param ledgerAdminLogin string = 'relayadmin'

@secure()
@description('Administrator password of the ledger server; required when createLedgerServer is true. The ledger URL stored in Key Vault is composed from it.')
param ledgerAdminPassword string = ''

@description('Database created on the ledger server when createLedgerServer is true.')
param ledgerDatabaseName string = 'repair_ledger'

@description('Region of the ledger server when it differs from location (Burstable capacity varies by region); default location.')
param ledgerLocation string = ''

// ---------------------------------------------------------------------------------------------
// Names
// ---------------------------------------------------------------------------------------------

var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = {
  'azd-env-name': environmentName
}
var functionAppName = 'func-${resourceToken}'
var deploymentContainerName = 'app-package-${resourceToken}'
var ledgerServerName = 'mysql-${resourceToken}'

// ---------------------------------------------------------------------------------------------
// Checks that stop the deployment with a clear message (fail() ends the evaluation)
// ---------------------------------------------------------------------------------------------

// Without the template's own server the app needs an existing ledger; Key Vault refuses an empty secret.
var ledgerDbUrlToStore = (createLedgerServer || !empty(ledgerDbUrl)
  ? ledgerDbUrl
  : fail('ledgerDbUrl is required when createLedgerServer is false: run `azd env set LEDGER_DB_URL mysql://<user>:<password>@<host>:3306/<database>`, or `azd env set CREATE_LEDGER_SERVER true`.'))

// Connection budget (docs/deploy.md): every instance may open its pools in full, and together they
// must leave the reserved connections free on each server.
var ledgerPoolSizes = (maximumInstanceCount * (ledgerDbPoolSize + ledgerDbBatchPoolSize) + ledgerReservedConnections <= ledgerMaxConnections
  ? { single: ledgerDbPoolSize, batch: ledgerDbBatchPoolSize }
  : fail('maximumInstanceCount x (ledgerDbPoolSize + ledgerDbBatchPoolSize) + ledgerReservedConnections exceeds ledgerMaxConnections: lower the pools or the instance count, or give the ledger a larger server.'))
var clientPoolSize = (maximumInstanceCount * clientDbPoolSize + clientDbReservedConnections <= clientDbMaxConnections
  ? clientDbPoolSize
  : fail('maximumInstanceCount x clientDbPoolSize + clientDbReservedConnections exceeds clientDbMaxConnections: lower the pool or the instance count.'))

// Key Vault secret names (letters, digits and hyphens only), keyed by the app setting they feed.
var secretNames = {
  CLIENT_DB_URL: 'client-db-url'
  LEDGER_DB_URL: 'ledger-db-url'
  VONAGE_API_KEY: 'vonage-api-key'
  VONAGE_API_SECRET: 'vonage-api-secret'
  VONAGE_SIGNATURE_SECRET: 'vonage-signature-secret'
  PAYMENT_WEBHOOK_SECRET: 'payment-webhook-secret'
  STRIPE_WEBHOOK_SECRET: 'stripe-webhook-secret'
  PHONE_KEY_SECRET: 'phone-key-secret'
  VONAGE_PRIVATE_KEY: 'vonage-private-key'
  SMTP_URL: 'smtp-url'
}

// ---------------------------------------------------------------------------------------------
// Resources
// ---------------------------------------------------------------------------------------------

resource rg 'Microsoft.Resources/resourceGroups@2022-09-01' = {
  name: !empty(resourceGroupName) ? resourceGroupName : 'rg-${environmentName}'
  location: location
  tags: tags
}

module identity 'modules/identity.bicep' = {
  name: 'identity'
  scope: rg
  params: {
    name: 'id-${resourceToken}'
    location: location
    tags: tags
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    logAnalyticsName: 'log-${resourceToken}'
    applicationInsightsName: 'appi-${resourceToken}'
    location: location
    tags: tags
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  scope: rg
  params: {
    name: 'st${resourceToken}'
    location: location
    tags: tags
    deploymentContainerName: deploymentContainerName
  }
}

module cosmos 'modules/cosmos.bicep' = {
  name: 'cosmos'
  scope: rg
  params: {
    accountName: 'cosmos-${resourceToken}'
    location: location
    tags: tags
    databaseName: cosmosDatabaseName
    jobsContainerName: cosmosJobsContainerName
    discountCodesContainerName: cosmosDiscountCodesContainerName
  }
}

module serviceBus 'modules/servicebus.bicep' = {
  name: 'servicebus'
  scope: rg
  params: {
    namespaceName: 'sb-${resourceToken}'
    location: location
    tags: tags
    smsQueueName: smsQueueName
  }
}

module keyVault 'modules/keyvault.bicep' = {
  name: 'keyvault'
  scope: rg
  params: {
    name: 'kv-${resourceToken}'
    location: location
    tags: tags
    secretNames: secretNames
    clientDbUrl: clientDbUrl
    storeLedgerDbUrl: !createLedgerServer
    ledgerDbUrl: ledgerDbUrlToStore
    vonageApiKey: vonageApiKey
    vonageApiSecret: vonageApiSecret
    vonageSignatureSecret: vonageSignatureSecret
    paymentWebhookSecret: paymentWebhookSecret
    stripeWebhookSecret: stripeWebhookSecret
    phoneKeySecret: phoneKeySecret
    vonagePrivateKey: vonagePrivateKey
    smtpUrl: smtpUrl
  }
}

module ledgerServer 'modules/mysql-ledger.bicep' = if (createLedgerServer) {
  name: 'mysql-ledger'
  scope: rg
  params: {
    serverName: ledgerServerName
    location: !empty(ledgerLocation) ? ledgerLocation : location
    tags: tags
    databaseName: ledgerDatabaseName
    administratorLogin: ledgerAdminLogin
    administratorLoginPassword: ledgerAdminPassword
    keyVaultName: keyVault.outputs.name
    ledgerSecretName: secretNames.LEDGER_DB_URL
  }
}

module access 'modules/access.bicep' = {
  name: 'access'
  scope: rg
  params: {
    principalId: identity.outputs.principalId
    storageAccountName: storage.outputs.name
    cosmosAccountName: cosmos.outputs.accountName
    serviceBusNamespaceName: serviceBus.outputs.namespaceName
    smsQueueName: serviceBus.outputs.queueName
    keyVaultName: keyVault.outputs.name
    applicationInsightsName: monitoring.outputs.applicationInsightsName
  }
}

// The app's own settings: every name is a key of configSchema in src/config.ts, or one of the
// Service Bus extension's identity settings for the SERVICEBUS_CONNECTION connection. Secrets are
// Key Vault references resolved with the user-assigned identity; Cosmos DB and Service Bus use
// that identity directly, so COSMOS_KEY and SERVICEBUS_CONNECTION are deliberately not set.
// Tuning knobs left at their code defaults are listed in infra/optional-settings.json. Optional
// secrets get their setting below, only with a value.
var appSettings = {
  CLIENT_DB_URL: '@Microsoft.KeyVault(SecretUri=${keyVault.outputs.uri}secrets/${secretNames.CLIENT_DB_URL}/)'
  LEDGER_DB_URL: '@Microsoft.KeyVault(SecretUri=${keyVault.outputs.uri}secrets/${secretNames.LEDGER_DB_URL}/)'
  COSMOS_ENDPOINT: cosmos.outputs.endpoint
  COSMOS_DATABASE: cosmos.outputs.databaseName
  COSMOS_JOBS_CONTAINER: cosmos.outputs.jobsContainerName
  COSMOS_DISCOUNT_CODES_CONTAINER: cosmos.outputs.discountCodesContainerName
  SERVICEBUS_CONNECTION__fullyQualifiedNamespace: serviceBus.outputs.fullyQualifiedNamespace
  SERVICEBUS_CONNECTION__credential: 'managedidentity'
  SERVICEBUS_CONNECTION__clientId: identity.outputs.clientId
  SMS_QUEUE: serviceBus.outputs.queueName
  VONAGE_API_KEY: '@Microsoft.KeyVault(SecretUri=${keyVault.outputs.uri}secrets/${secretNames.VONAGE_API_KEY}/)'
  VONAGE_API_SECRET: '@Microsoft.KeyVault(SecretUri=${keyVault.outputs.uri}secrets/${secretNames.VONAGE_API_SECRET}/)'
  VONAGE_SIGNATURE_SECRET: '@Microsoft.KeyVault(SecretUri=${keyVault.outputs.uri}secrets/${secretNames.VONAGE_SIGNATURE_SECRET}/)'
  PAYMENT_WEBHOOK_SECRET: '@Microsoft.KeyVault(SecretUri=${keyVault.outputs.uri}secrets/${secretNames.PAYMENT_WEBHOOK_SECRET}/)'
  STRIPE_WEBHOOK_SECRET: '@Microsoft.KeyVault(SecretUri=${keyVault.outputs.uri}secrets/${secretNames.STRIPE_WEBHOOK_SECRET}/)'
  PHONE_KEY_SECRET: '@Microsoft.KeyVault(SecretUri=${keyVault.outputs.uri}secrets/${secretNames.PHONE_KEY_SECRET}/)'
  VONAGE_FROM: vonageFrom
  VONAGE_REST_HOST: vonageRestHost
  VONAGE_MESSAGES_HOST: vonageMessagesHost
  VONAGE_APPLICATION_ID: vonageApplicationId
  VONAGE_WHATSAPP_NUMBER: vonageWhatsappNumber
  EMAIL_FROM: emailFrom
  POLL_SCHEDULE: pollSchedule
  BUSINESS_TIMEZONE: businessTimezone
  BUSINESS_HOURS: businessHours
  BUSINESS_CLOSED_DATES: businessClosedDates
  FEEDBACK_REWARD_BRAND: feedbackRewardBrand
  AUTO_REPLY_COUNTRY_CODES: autoReplyCountryCodes
  STOP_UNSUBSCRIBES_ALL_CHANNELS: stopUnsubscribesAllChannels
  SHOP_NAME: shopName
  AZURE_CLIENT_ID: identity.outputs.clientId
  CLIENT_DB_POOL_SIZE: string(clientPoolSize)
  LEDGER_DB_POOL_SIZE: string(ledgerPoolSizes.single)
  LEDGER_DB_BATCH_POOL_SIZE: string(ledgerPoolSizes.batch)
  VONAGE_MAX_RPS: vonageMaxRps
  VONAGE_SENDING_INSTANCES: string(maximumInstanceCount)
}

// An optional secret has a vault secret and an app setting only when it has a value: Key Vault
// refuses an empty secret, and a reference to a missing one stops the app's start.
var vonagePrivateKeySetting = empty(vonagePrivateKey) ? {} : {
  VONAGE_PRIVATE_KEY: '@Microsoft.KeyVault(SecretUri=${keyVault.outputs.uri}secrets/${secretNames.VONAGE_PRIVATE_KEY}/)'
}
var smtpUrlSetting = empty(smtpUrl) ? {} : {
  SMTP_URL: '@Microsoft.KeyVault(SecretUri=${keyVault.outputs.uri}secrets/${secretNames.SMTP_URL}/)'
}

module functionApp 'modules/functionapp.bicep' = {
  name: 'functionapp'
  scope: rg
  params: {
    planName: 'plan-${resourceToken}'
    appName: functionAppName
    location: location
    tags: tags
    serviceName: 'api'
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    storageAccountName: storage.outputs.name
    storageBlobEndpoint: storage.outputs.blobEndpoint
    deploymentContainerName: storage.outputs.deploymentContainerName
    applicationInsightsConnectionString: monitoring.outputs.connectionString
    nodeVersion: nodeVersion
    maximumInstanceCount: maximumInstanceCount
    instanceMemoryMB: instanceMemoryMB
    appSettings: union(appSettings, vonagePrivateKeySetting, smtpUrlSetting)
    consoleClientId: consoleClientId
  }
  // Grants and the ledger secret exist before the app first starts and resolves its references.
  dependsOn: [
    access
    ledgerServer
  ]
}

// ---------------------------------------------------------------------------------------------
// Outputs (azd writes them to .azure/<environment>/.env; none is a secret)
// ---------------------------------------------------------------------------------------------

output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_FUNCTION_APP_NAME string = functionApp.outputs.name
output SERVICE_API_NAME string = functionApp.outputs.name
output SERVICE_API_URI string = functionApp.outputs.uri
output AZURE_IDENTITY_CLIENT_ID string = identity.outputs.clientId
output AZURE_IDENTITY_NAME string = identity.outputs.name
output COSMOS_ENDPOINT string = cosmos.outputs.endpoint
output COSMOS_ACCOUNT_NAME string = cosmos.outputs.accountName
output COSMOS_DATABASE string = cosmos.outputs.databaseName
output COSMOS_JOBS_CONTAINER string = cosmos.outputs.jobsContainerName
output COSMOS_DISCOUNT_CODES_CONTAINER string = cosmos.outputs.discountCodesContainerName
output SERVICEBUS_NAMESPACE string = serviceBus.outputs.namespaceName
output SERVICEBUS_FULLY_QUALIFIED_NAMESPACE string = serviceBus.outputs.fullyQualifiedNamespace
output SMS_QUEUE string = serviceBus.outputs.queueName
output AZURE_KEY_VAULT_NAME string = keyVault.outputs.name
output AZURE_KEY_VAULT_ENDPOINT string = keyVault.outputs.uri
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name
output APPLICATIONINSIGHTS_NAME string = monitoring.outputs.applicationInsightsName
output LEDGER_SERVER_NAME string = createLedgerServer ? ledgerServerName : ''
