// Cosmos DB for NoSQL, serverless, with the job documents' database and containers (jobs, discount codes). Key (local)
// auth is disabled: the app reaches it with its managed identity through a Cosmos SQL role
// assignment (access.bicep). The data-plane role cannot create databases or containers, so
// they are created here (src/adapters/cosmos/client.ts relies on that).

@description('Name of the Cosmos DB account (3-44 lowercase letters, digits and hyphens).')
@minLength(3)
@maxLength(44)
param accountName string

@description('Azure region of the account.')
param location string

@description('Tags applied to the account.')
param tags object = {}

@description('Database that holds the job documents (COSMOS_DATABASE).')
param databaseName string

@description('Container of job documents (COSMOS_JOBS_CONTAINER).')
param jobsContainerName string

@description('Container of discount codes (COSMOS_DISCOUNT_CODES_CONTAINER).')
param discountCodesContainerName string

// The app writes each job with its job id as both `id` and partition key; this is not a
// parameter because the code depends on it.
var jobsPartitionKeyPath = '/id'
// Discount codes live in their brand's partition (src/adapters/cosmos/discountCodes.ts); fixed for the same reason.
var discountCodesPartitionKeyPath = '/brandId'

resource account 'Microsoft.DocumentDB/databaseAccounts@2024-11-15' = {
  name: accountName
  location: location
  tags: tags
  kind: 'GlobalDocumentDB'
  properties: {
    databaseAccountOfferType: 'Standard'
    capabilities: [
      {
        name: 'EnableServerless'
      }
    ]
    locations: [
      {
        locationName: location
        failoverPriority: 0
        isZoneRedundant: false
      }
    ]
    consistencyPolicy: {
      defaultConsistencyLevel: 'Session'
    }
    disableLocalAuth: true
    disableKeyBasedMetadataWriteAccess: true
    minimalTlsVersion: 'Tls12'
    publicNetworkAccess: 'Enabled'
  }
}

resource database 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases@2024-11-15' = {
  parent: account
  name: databaseName
  properties: {
    resource: {
      id: databaseName
    }
  }
}

resource jobsContainer 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2024-11-15' = {
  parent: database
  name: jobsContainerName
  properties: {
    resource: {
      id: jobsContainerName
      partitionKey: {
        paths: [
          jobsPartitionKeyPath
        ]
        kind: 'Hash'
      }
    }
  }
}

resource discountCodesContainer 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2024-11-15' = {
  parent: database
  name: discountCodesContainerName
  properties: {
    resource: {
      id: discountCodesContainerName
      partitionKey: {
        paths: [
          discountCodesPartitionKeyPath
        ]
        kind: 'Hash'
      }
    }
  }
}

output accountName string = account.name
output accountId string = account.id
output endpoint string = account.properties.documentEndpoint
output databaseName string = database.name
output jobsContainerName string = jobsContainer.name
output discountCodesContainerName string = discountCodesContainer.name
