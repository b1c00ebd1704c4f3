// Blob drops on Flex Consumption: the data account's Event Grid system topic, and one subscription per
// blob-triggered function that sends its container's BlobCreated events to the Functions host's blobs
// webhook for that function (the triggers declare source 'EventGrid': BLOB_TRIGGER_SOURCE).
param topicName string
param location string
param tags object
param storageAccountName string
param functionAppName string
@description('{ functionName, container } for each blob-triggered function; empty for none (the topic only).')
param blobTriggers array

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}
resource app 'Microsoft.Web/sites@2024-04-01' existing = {
  name: functionAppName
}
// Event Grid calls the webhook with the host's blobs_extension system key. The host creates that key
// when it first runs the app's Event Grid blob triggers, so the code must be deployed (and answer the
// validation handshake) before these subscriptions are created: docs/deploy.md.
resource appHost 'Microsoft.Web/sites/host@2024-04-01' existing = {
  parent: app
  name: 'default'
}

resource topic 'Microsoft.EventGrid/systemTopics@2022-06-15' = {
  name: topicName
  location: location
  tags: tags
  properties: {
    source: account.id
    topicType: 'Microsoft.Storage.StorageAccounts'
  }
}

resource subscriptions 'Microsoft.EventGrid/systemTopics/eventSubscriptions@2022-06-15' = [
  for trigger in blobTriggers: {
    parent: topic
    name: '${toLower(trigger.functionName)}-drops'
    properties: {
      destination: {
        endpointType: 'WebHook'
        properties: {
          endpointUrl: 'https://${app.properties.defaultHostName}/runtime/webhooks/blobs?functionName=Host.Functions.${trigger.functionName}&code=${appHost.listKeys().systemKeys.blobs_extension}'
        }
      }
      eventDeliverySchema: 'EventGridSchema'
      filter: {
        includedEventTypes: ['Microsoft.Storage.BlobCreated']
        subjectBeginsWith: '/blobServices/default/containers/${trigger.container}/'
      }
      retryPolicy: {
        maxDeliveryAttempts: 30
        eventTimeToLiveInMinutes: 1440
      }
    }
  }
]

output topicName string = topic.name
