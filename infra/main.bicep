// durable-scoring on Azure: the Function App (Flex Consumption), its identity and roles, a runtime and
// a data storage account without shared keys, Event Grid subscriptions for blob drops, Event Hubs for
// the streams, monitoring, Key Vault, and the GPU worker job. `azd up` deploys it (azure.yaml); docs/deploy.md walks through it.
targetScope = 'subscription'

@minLength(1)
@maxLength(40)
@description('The azd environment name: the resource group is rg-<name>, and every resource name derives from it.')
param environmentName string

@minLength(1)
@description('The region of every resource (one that offers Flex Consumption and serverless GPUs).')
param location string

@description('The worker image the Container Apps job runs (node dist/src/worker/main.js).')
param workerImage string

@description('The registry of workerImage, if private (the identity needs AcrPull there); empty for a public image.')
param workerRegistryServer string = ''

@description('The object id of whoever deploys: they may write to the data account (drops). Empty for none.')
param deployerPrincipalId string = ''

@description('The Event Hubs the streams read (one per stream definition\'s source.hub).')
param eventHubNames string[] = ['sensors']

@description('Subscribe the blob-triggered functions to the data account\'s BlobCreated events. Set it once the code is deployed: the subscriptions need the host\'s blobs_extension key and its answer to Event Grid\'s validation.')
param subscribeBlobEvents bool = false

var token = toLower(uniqueString(subscription().id, environmentName, location))
var tags = { 'azd-env-name': environmentName }
var appName = 'func-scoring-${token}'
var deploymentContainer = 'app-package'

resource group 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: 'rg-${environmentName}'
  location: location
  tags: tags
}

module identity 'modules/identity.bicep' = {
  scope: group
  params: { name: 'id-scoring-${token}', location: location, tags: tags }
}

module runtimeStorage 'modules/storage.bicep' = {
  scope: group
  params: { name: 'stfunc${token}', location: location, tags: tags, containers: [deploymentContainer] }
}

module dataStorage 'modules/storage.bicep' = {
  scope: group
  params: {
    name: 'stdata${token}'
    location: location
    tags: tags
    containers: ['input', 'output', 'training-data', 'videos', 'feedback']
  }
}

module monitoring 'modules/monitoring.bicep' = {
  scope: group
  params: {
    logAnalyticsName: 'log-scoring-${token}'
    applicationInsightsName: 'appi-scoring-${token}'
    location: location
    tags: tags
  }
}

module eventHubs 'modules/eventHubs.bicep' = {
  scope: group
  params: { name: 'evhns-scoring-${token}', location: location, tags: tags, hubs: eventHubNames }
}

module keyVault 'modules/keyVault.bicep' = {
  scope: group
  params: { name: 'kv-scoring-${take(token, 12)}', location: location, tags: tags }
}

// Identity-based connections (no keys): the Functions runtime's `<connection>__*` settings, read by the
// host and by the app's clients alike. The worker job gets the same.
var connectionSettings = {
  AzureWebJobsStorage__blobServiceUri: runtimeStorage.outputs.blobEndpoint
  AzureWebJobsStorage__queueServiceUri: runtimeStorage.outputs.queueEndpoint
  AzureWebJobsStorage__tableServiceUri: runtimeStorage.outputs.tableEndpoint
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identity.outputs.clientId
  DATA_STORAGE__blobServiceUri: dataStorage.outputs.blobEndpoint
  DATA_STORAGE__queueServiceUri: dataStorage.outputs.queueEndpoint
  DATA_STORAGE__tableServiceUri: dataStorage.outputs.tableEndpoint
  DATA_STORAGE__credential: 'managedidentity'
  DATA_STORAGE__clientId: identity.outputs.clientId
}

module workers 'modules/containerJobs.bicep' = {
  scope: group
  params: {
    environmentName: 'cae-scoring-${token}'
    jobName: 'caj-worker-${token}'
    location: location
    tags: tags
    logAnalyticsId: monitoring.outputs.logAnalyticsId
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    image: workerImage
    registryServer: workerRegistryServer
    connectionSettings: connectionSettings
  }
}

// Everything else the app reads has a default (README, "Settings"); these differ on Azure.
var appSettings = {
  APPLICATIONINSIGHTS_CONNECTION_STRING: monitoring.outputs.applicationInsightsConnectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identity.outputs.clientId};Authorization=AAD'
  AZURE_CLIENT_ID: identity.outputs.clientId
  EventHubConnection__fullyQualifiedNamespace: eventHubs.outputs.fullyQualifiedNamespace
  EventHubConnection__credential: 'managedidentity'
  EventHubConnection__clientId: identity.outputs.clientId
  SCORING_INPUT_CONTAINER: 'input'
  SCORING_OUTPUT_CONTAINER: 'output'
  VIDEO_INPUT_CONTAINER: 'videos'
  FEEDBACK_CONTAINER: 'feedback'
  TRAINING_DATA_CONTAINER: 'training-data'
  WORK_RESULTS_QUEUE: 'work-results'
  BLOB_TRIGGER_SOURCE: 'EventGrid'
  CONTAINER_DISPATCHER: 'containerApps'
  CONTAINER_APPS_SUBSCRIPTION_ID: subscription().subscriptionId
  CONTAINER_APPS_RESOURCE_GROUP: group.name
  CONTAINER_APPS_JOB_NAME: workers.outputs.jobName
}

module functionApp 'modules/functionApp.bicep' = {
  scope: group
  params: {
    planName: 'plan-scoring-${token}'
    appName: appName
    location: location
    tags: tags
    identityId: identity.outputs.id
    deploymentContainerUrl: '${runtimeStorage.outputs.blobEndpoint}${deploymentContainer}'
    appSettings: union(connectionSettings, appSettings)
  }
}

// Flex Consumption runs blob triggers only from Event Grid (BLOB_TRIGGER_SOURCE above): each
// blob-triggered function of functions/*.ts, with the container its path names.
var blobTriggers = [
  { functionName: 'scoreDroppedBlob', container: appSettings.SCORING_INPUT_CONTAINER }
  { functionName: 'joinDroppedFeedback', container: appSettings.FEEDBACK_CONTAINER }
  { functionName: 'retrainOnNewData', container: appSettings.TRAINING_DATA_CONTAINER }
  { functionName: 'styleDroppedVideo', container: appSettings.VIDEO_INPUT_CONTAINER }
]

module blobEvents 'modules/blobEvents.bicep' = {
  scope: group
  params: {
    topicName: 'evgt-data-${token}'
    location: location
    tags: tags
    storageAccountName: dataStorage.outputs.name
    functionAppName: functionApp.outputs.name
    blobTriggers: subscribeBlobEvents ? blobTriggers : []
  }
}

module roles 'modules/roles.bicep' = {
  scope: group
  params: {
    principalId: identity.outputs.principalId
    deployerPrincipalId: deployerPrincipalId
    runtimeStorageName: runtimeStorage.outputs.name
    dataStorageName: dataStorage.outputs.name
    eventHubsNamespaceName: eventHubs.outputs.name
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    keyVaultName: keyVault.outputs.name
    workerJobName: workers.outputs.jobName
  }
}

output AZURE_LOCATION string = location
output AZURE_RESOURCE_GROUP string = group.name
output AZURE_FUNCTION_APP_NAME string = functionApp.outputs.name
output AZURE_FUNCTION_APP_URL string = functionApp.outputs.url
output DATA_STORAGE_ACCOUNT string = dataStorage.outputs.name
output BLOB_EVENTS_TOPIC string = blobEvents.outputs.topicName
output KEY_VAULT_URI string = keyVault.outputs.uri
output WORKER_JOB_NAME string = workers.outputs.jobName
