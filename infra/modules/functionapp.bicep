// The Flex Consumption plan (FC1) and the Function App. The app runs as the user-assigned
// identity for everything: host storage, deployment package, Application Insights ingestion,
// Key Vault references, and (through the app's own settings) Cosmos DB and Service Bus.

@description('Name of the Flex Consumption plan.')
param planName string

@description('Name of the Function App.')
param appName string

@description('Azure region of the plan and the app (must offer Flex Consumption).')
param location string

@description('Tags applied to the plan and the app.')
param tags object = {}

@description('azd service name; azd finds the app to deploy to by the azd-service-name tag.')
param serviceName string = 'api'

@description('Resource id of the user-assigned identity the app runs as.')
param identityId string

@description('Client id of the user-assigned identity the app runs as.')
param identityClientId string

@description('Name of the Functions host storage account.')
param storageAccountName string

@description('Blob endpoint of the host storage account (https://<account>.blob.core.windows.net/).')
param storageBlobEndpoint string

@description('Blob container that receives the deployment package.')
param deploymentContainerName string

@description('Application Insights connection string (instrumentation key and endpoints; not a credential).')
param applicationInsightsConnectionString string

@description('Node.js major version of the Flex Consumption runtime.')
@allowed([
  '22'
])
param nodeVersion string = '22'

@description('Most instances the app may scale out to; main.bicep sizes the database pools for it.')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 40

@description('Memory of each instance in MB.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

@description('The app\'s own settings (names from src/config.ts), merged with the host settings below.')
param appSettings object

@description('Application (client) id of the staff console\'s Entra ID app registration, with app roles staff and owner (docs/deploy.md, "Staff sign-in"); empty: no one can sign in to the console.')
param consoleClientId string = ''

// Settings the Functions host itself reads. Flex Consumption takes the worker runtime and
// version from functionAppConfig.runtime, so FUNCTIONS_WORKER_RUNTIME and
// FUNCTIONS_EXTENSION_VERSION are not set (the platform rejects them on this plan).
var hostSettings = {
  AzureWebJobsStorage__accountName: storageAccountName
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identityClientId
  APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsightsConnectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'
}

var allSettings = union(appSettings, hostSettings)

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true
  }
}

resource app 'Microsoft.Web/sites@2024-04-01' = {
  name: appName
  location: location
  tags: union(tags, {
    'azd-service-name': serviceName
  })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    keyVaultReferenceIdentity: identityId
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      appSettings: [
        for setting in items(allSettings): {
          name: setting.key
          value: setting.value
        }
      ]
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storageBlobEndpoint}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      runtime: {
        name: 'node'
        version: nodeVersion
      }
    }
  }
}

// Staff sign in to the console with Microsoft Entra ID through App Service Authentication. Anonymous
// requests still reach the app (webhooks, the customer page, function-key routes); the app's one
// staff check reads the X-MS-CLIENT-PRINCIPAL header the platform sets, which it strips from any
// request that brings its own. No client secret: the sign-in uses the ID token (the registration
// issues ID tokens), and the token store keeps the session's tokens on the platform, never in a browser.
resource authSettings 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: app
  name: 'authsettingsV2'
  properties: {
    platform: {
      enabled: true
      runtimeVersion: '~1'
    }
    globalValidation: {
      requireAuthentication: false
      unauthenticatedClientAction: 'AllowAnonymous'
    }
    httpSettings: {
      requireHttps: true
      forwardProxy: {
        convention: 'NoProxy'
      }
    }
    identityProviders: {
      azureActiveDirectory: {
        enabled: !empty(consoleClientId)
        registration: {
          clientId: consoleClientId
          openIdIssuer: '${environment().authentication.loginEndpoint}${tenant().tenantId}/v2.0'
        }
        validation: {
          allowedAudiences: empty(consoleClientId) ? [] : [
            consoleClientId
            'api://${consoleClientId}'
          ]
        }
      }
    }
    login: {
      tokenStore: {
        enabled: true
      }
      preserveUrlFragmentsForLogins: true
    }
  }
}

output name string = app.name
output id string = app.id
output defaultHostName string = app.properties.defaultHostName
output uri string = 'https://${app.properties.defaultHostName}'
