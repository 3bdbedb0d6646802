// Key Vault in RBAC mode holding the app's secrets. The Function App reads them through Key Vault
// references resolved with its user-assigned identity (Key Vault Secrets User, access.bicep).
// Secret values arrive as secure parameters and are written through the control plane, so the
// deploying principal needs no data-plane role on the vault.

@description('Name of the Key Vault (3-24 letters, digits and hyphens).')
@minLength(3)
@maxLength(24)
param name string

@description('Azure region of the vault.')
param location string

@description('Tags applied to the vault.')
param tags object = {}

@description('Names of the secrets in the vault, keyed by the app setting each one feeds.')
param secretNames object

@secure()
@description('Connection URL of the client MySQL database that holds `Jobs` (mysql://<user>:<password>@<host>:3306/<database>).')
param clientDbUrl string

@description('Store ledgerDbUrl as the ledger secret. False when the ledger server is created by this template, which then stores its own URL; main.bicep stops the deployment when it is true and ledgerDbUrl is empty.')
param storeLedgerDbUrl bool

@secure()
@description('Connection URL of the existing ledger MySQL database; used only when storeLedgerDbUrl is true.')
param ledgerDbUrl string = ''

@secure()
@description('Vonage API key.')
param vonageApiKey string

@secure()
@description('Vonage API secret.')
param vonageApiSecret string

@secure()
@description('Vonage signature secret that signs delivery receipts and inbound SMS webhooks.')
param vonageSignatureSecret string

@secure()
@description('Shared secret the payment provider signs its callbacks with.')
param paymentWebhookSecret string

@secure()
@description('Signing secret of the Stripe webhook endpoint.')
param stripeWebhookSecret string

@secure()
@description('Secret that keys the phone lookup keys in the ledger (HMAC-SHA256).')
param phoneKeySecret string

@secure()
@description('PEM text of the Vonage application private key (Messages API JWT); empty: no secret is created.')
param vonagePrivateKey string = ''

@secure()
@description('SMTP URL of notification email, with its credentials; empty: no secret is created.')
param smtpUrl string = ''

@description('Days a deleted vault or secret can be recovered.')
@minValue(7)
@maxValue(90)
param softDeleteRetentionInDays int = 7

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: tenant().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: softDeleteRetentionInDays
    publicNetworkAccess: 'Enabled'
  }
}

resource clientDbUrlSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: secretNames.CLIENT_DB_URL
  properties: {
    value: clientDbUrl
    contentType: 'mysql-url'
  }
}

resource ledgerDbUrlSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (storeLedgerDbUrl) {
  parent: vault
  name: secretNames.LEDGER_DB_URL
  properties: {
    value: ledgerDbUrl
    contentType: 'mysql-url'
  }
}

resource vonageApiKeySecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: secretNames.VONAGE_API_KEY
  properties: {
    value: vonageApiKey
  }
}

resource vonageApiSecretSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: secretNames.VONAGE_API_SECRET
  properties: {
    value: vonageApiSecret
  }
}

resource vonageSignatureSecretSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: secretNames.VONAGE_SIGNATURE_SECRET
  properties: {
    value: vonageSignatureSecret
  }
}

resource paymentWebhookSecretSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: secretNames.PAYMENT_WEBHOOK_SECRET
  properties: {
    value: paymentWebhookSecret
  }
}

resource stripeWebhookSecretSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: secretNames.STRIPE_WEBHOOK_SECRET
  properties: {
    value: stripeWebhookSecret
  }
}

resource phoneKeySecretSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: secretNames.PHONE_KEY_SECRET
  properties: {
    value: phoneKeySecret
  }
}

// Key Vault refuses a secret without a value: optional secrets exist only when they have one.
resource vonagePrivateKeySecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(vonagePrivateKey)) {
  parent: vault
  name: secretNames.VONAGE_PRIVATE_KEY
  properties: {
    value: vonagePrivateKey
    contentType: 'application/x-pem-file'
  }
}

resource smtpUrlSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(smtpUrl)) {
  parent: vault
  name: secretNames.SMTP_URL
  properties: {
    value: smtpUrl
    contentType: 'smtp-url'
  }
}

output name string = vault.name
output id string = vault.id
// https://<name>.vault.azure.net/ (with the trailing slash).
output uri string = vault.properties.vaultUri
