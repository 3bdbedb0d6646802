// Service Bus namespace (Standard: the Basic tier has no duplicate detection) and the
// outbound SMS queue. SAS (local) auth is disabled; the app sends and the sendSms trigger
// receives with the managed identity (roles in access.bicep).

@description('Name of the Service Bus namespace (6-50 letters, digits and hyphens).')
@minLength(6)
@maxLength(50)
param namespaceName string

@description('Azure region of the namespace.')
param location string

@description('Tags applied to the namespace.')
param tags object = {}

@description('Queue the poller and the retries send SMS messages to (SMS_QUEUE).')
param smsQueueName string

// Duplicate detection drops a repeated messageId seen within this window. It must be longer than
// the longest delay the app schedules a retry or a re-enqueue with (30 minutes, see
// retryDelayMs in src/domain/sendSms.ts), so that a redelivered send is still recognised.
var duplicateDetectionWindow = 'PT2H'

resource serviceBusNamespace 'Microsoft.ServiceBus/namespaces@2024-01-01' = {
  name: namespaceName
  location: location
  tags: tags
  sku: {
    name: 'Standard'
    tier: 'Standard'
  }
  properties: {
    disableLocalAuth: true
    minimumTlsVersion: '1.2'
    publicNetworkAccess: 'Enabled'
  }
}

resource smsQueue 'Microsoft.ServiceBus/namespaces/queues@2024-01-01' = {
  parent: serviceBusNamespace
  name: smsQueueName
  properties: {
    requiresDuplicateDetection: true
    duplicateDetectionHistoryTimeWindow: duplicateDetectionWindow
    maxDeliveryCount: 10
    deadLetteringOnMessageExpiration: true
    lockDuration: 'PT1M'
    defaultMessageTimeToLive: 'P14D'
    requiresSession: false
    enablePartitioning: false
  }
}

output namespaceName string = serviceBusNamespace.name
output namespaceId string = serviceBusNamespace.id
output queueName string = smsQueue.name
output queueId string = smsQueue.id
// serviceBusEndpoint is https://<namespace>.servicebus.windows.net:443/ (or the sovereign-cloud
// equivalent); the Functions extension and the SDK want the bare host name.
output fullyQualifiedNamespace string = split(replace(serviceBusNamespace.properties.serviceBusEndpoint, 'https://', ''), ':')[0]
