// The Container Apps environment with a serverless GPU workload profile, and the worker job the app
// starts one execution of per batch of work items (CONTAINER_DISPATCHER=containerApps). The job runs
// as the app's identity, with the app's connection settings.
param environmentName string
param jobName string
param location string
param tags object
param logAnalyticsId string
param identityId string
param identityClientId string
@description('The worker image (node dist/src/worker/main.js).')
param image string
@description('A registry to pull the image from with the identity (it needs AcrPull there); empty for a public image.')
param registryServer string = ''
@description('The serverless GPU profile type.')
@allowed(['Consumption-GPU-NC8as-T4', 'Consumption-GPU-NC24-A100'])
param gpuProfileType string = 'Consumption-GPU-NC8as-T4'
@description('The identity-based connection settings (AzureWebJobsStorage__*, DATA_STORAGE__*) the app has too.')
param connectionSettings object

var gpuProfileName = 'gpu'

resource environment 'Microsoft.App/managedEnvironments@2024-03-01' = {
  name: environmentName
  location: location
  tags: tags
  properties: {
    // Logs go through the diagnostic setting below, not a workspace key.
    appLogsConfiguration: { destination: 'azure-monitor' }
    workloadProfiles: [
      { name: 'Consumption', workloadProfileType: 'Consumption' }
      { name: gpuProfileName, workloadProfileType: gpuProfileType }
    ]
  }
}

resource environmentLogs 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: environment
  properties: {
    workspaceId: logAnalyticsId
    logs: [{ categoryGroup: 'allLogs', enabled: true }]
  }
}

resource job 'Microsoft.App/jobs@2024-03-01' = {
  name: jobName
  location: location
  tags: tags
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identityId}': {} }
  }
  properties: {
    environmentId: environment.id
    workloadProfileName: gpuProfileName
    configuration: {
      triggerType: 'Manual'
      manualTriggerConfig: { parallelism: 1, replicaCompletionCount: 1 }
      replicaTimeout: 3600
      replicaRetryLimit: 1
      registries: empty(registryServer) ? [] : [{ server: registryServer, identity: identityId }]
    }
    template: {
      containers: [
        {
          name: 'worker'
          image: image
          resources: { cpu: 8, memory: '56Gi' }
          env: concat(
            [{ name: 'AZURE_CLIENT_ID', value: identityClientId }],
            map(items(connectionSettings), setting => { name: setting.key, value: setting.value })
          )
        }
      ]
    }
  }
}

output environmentName string = environment.name
output jobName string = job.name
