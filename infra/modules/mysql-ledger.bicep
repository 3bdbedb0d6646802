// Optional: our ledger database on Azure Database for MySQL Flexible Server (Burstable B1ms,
// MySQL 8.0), deployed only when main.bicep's createLedgerServer is true. It stores its own
// connection URL in the Key Vault as the ledger secret, so the admin password never leaves
// secure parameters. The client database is never created here: it already exists.

@description('Name of the MySQL flexible server (3-63 lowercase letters, digits and hyphens).')
@minLength(3)
@maxLength(63)
param serverName string

@description('Azure region of the server.')
param location string

@description('Tags applied to the server.')
param tags object = {}

@description('Database the app keeps job_trans and its other ledger tables in.')
param databaseName string

@description('Administrator login of the server.')
param administratorLogin string

@secure()
@description('Administrator password of the server (Azure requires 8-128 characters from three character classes).')
param administratorLoginPassword string

@description('Name of the existing Key Vault that receives the ledger connection URL.')
param keyVaultName string

@description('Name of the Key Vault secret that holds the ledger connection URL.')
param ledgerSecretName string

resource server 'Microsoft.DBforMySQL/flexibleServers@2023-06-30' = {
  name: serverName
  location: location
  tags: tags
  sku: {
    name: 'Standard_B1ms'
    tier: 'Burstable'
  }
  properties: {
    version: '8.0.21'
    administratorLogin: administratorLogin
    administratorLoginPassword: administratorLoginPassword
    storage: {
      storageSizeGB: 20
      autoGrow: 'Enabled'
    }
    backup: {
      backupRetentionDays: 7
      geoRedundantBackup: 'Disabled'
    }
    highAvailability: {
      mode: 'Disabled'
    }
  }
}

resource database 'Microsoft.DBforMySQL/flexibleServers/databases@2023-06-30' = {
  parent: server
  name: databaseName
  properties: {
    charset: 'utf8mb4'
    collation: 'utf8mb4_unicode_ci'
  }
}

// 0.0.0.0-0.0.0.0 is Azure's convention for "allow public access from any Azure service",
// which is how a Flex Consumption app without VNet integration reaches the server.
resource allowAzureServices 'Microsoft.DBforMySQL/flexibleServers/firewallRules@2023-06-30' = {
  parent: server
  name: 'AllowAllAzureServicesAndResourcesWithinAzureIps'
  properties: {
    startIpAddress: '0.0.0.0'
    endIpAddress: '0.0.0.0'
  }
}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: keyVaultName
}

// Azure Database for MySQL requires TLS; the server certificate chains to a public root that
// Node trusts, so mysql2 verifies it (`ssl={"rejectUnauthorized":true}` in the URL query).
var sslQuery = 'ssl=${uriComponent('{"rejectUnauthorized":true}')}'

resource ledgerDbUrlSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: ledgerSecretName
  properties: {
    value: 'mysql://${uriComponent(administratorLogin)}:${uriComponent(administratorLoginPassword)}@${server.properties.fullyQualifiedDomainName}:3306/${database.name}?${sslQuery}'
    contentType: 'mysql-url'
  }
}

output serverName string = server.name
output fullyQualifiedDomainName string = server.properties.fullyQualifiedDomainName
output databaseName string = database.name
