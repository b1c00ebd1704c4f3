// What the app's identity may do, each role on the one resource it is for. Built-in role ids:
// https://learn.microsoft.com/azure/role-based-access-control/built-in-roles
param principalId string
@description('A person or pipeline that may write to the data account (drops, training data); empty for none.')
param deployerPrincipalId string = ''
param runtimeStorageName string
param dataStorageName string
param eventHubsNamespaceName string
param applicationInsightsName string
param keyVaultName string
param workerJobName string

var roles = {
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  storageBlobDataContributor: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  eventHubsDataReceiver: 'a638d3c7-ab3a-418d-83e6-5f17a39d4fde'
  eventHubsDataSender: '2b629674-e913-4c01-ae53-ef4638d8f975'
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb'
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6'
  containerAppsJobsOperator: 'b9a307c4-5aa3-4b52-ba60-2b17c136cd7b'
}

resource runtimeStorage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: runtimeStorageName
}
resource dataStorage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: dataStorageName
}
resource eventHubs 'Microsoft.EventHub/namespaces@2024-01-01' existing = {
  name: eventHubsNamespaceName
}
resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}
resource keyVault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: keyVaultName
}
resource workerJob 'Microsoft.App/jobs@2024-03-01' existing = {
  name: workerJobName
}

// Host state (leases, task hub queues and tables, keys) and the deployment package.
resource runtimeStorageRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for role in [roles.storageBlobDataOwner, roles.storageQueueDataContributor, roles.storageTableDataContributor]: {
    name: guid(runtimeStorage.id, principalId, role)
    scope: runtimeStorage
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role)
      principalId: principalId
      principalType: 'ServicePrincipal'
    }
  }
]

// Inputs, outputs, the model registry, job and stream tables, work queues.
resource dataStorageRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for role in [roles.storageBlobDataContributor, roles.storageQueueDataContributor, roles.storageTableDataContributor]: {
    name: guid(dataStorage.id, principalId, role)
    scope: dataStorage
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role)
      principalId: principalId
      principalType: 'ServicePrincipal'
    }
  }
]

// Stream triggers read; the streams API reads partition tails; `streams send` style producers send.
resource eventHubsRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for role in [roles.eventHubsDataReceiver, roles.eventHubsDataSender]: {
    name: guid(eventHubs.id, principalId, role)
    scope: eventHubs
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role)
      principalId: principalId
      principalType: 'ServicePrincipal'
    }
  }
]

// Telemetry with Entra ID (the component's local authentication is off).
resource monitoringRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for role in [roles.monitoringMetricsPublisher]: {
    name: guid(applicationInsights.id, principalId, role)
    scope: applicationInsights
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role)
      principalId: principalId
      principalType: 'ServicePrincipal'
    }
  }
]

// Key Vault references in app settings.
resource keyVaultRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for role in [roles.keyVaultSecretsUser]: {
    name: guid(keyVault.id, principalId, role)
    scope: keyVault
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role)
      principalId: principalId
      principalType: 'ServicePrincipal'
    }
  }
]

// Start (and stop) executions of the worker job, and nothing else in the environment.
resource workerJobRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for role in [roles.containerAppsJobsOperator]: {
    name: guid(workerJob.id, principalId, role)
    scope: workerJob
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role)
      principalId: principalId
      principalType: 'ServicePrincipal'
    }
  }
]

// The deployer drops files into the data account with their own sign-in (az storage --auth-mode login).
resource deployerDataRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for role in (empty(deployerPrincipalId) ? [] : [roles.storageBlobDataContributor]): {
    name: guid(dataStorage.id, deployerPrincipalId, role)
    scope: dataStorage
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role)
      principalId: deployerPrincipalId
    }
  }
]
