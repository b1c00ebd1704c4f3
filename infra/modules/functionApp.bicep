// The Function App on the Flex Consumption plan (Linux, Node.js): code from a blob container of the
// runtime account, every connection through the user-assigned identity.
param planName string
param appName string
param location string
param tags object
param identityId string
@description('The runtime account\'s blob endpoint and the container zip deploy uploads the package to.')
param deploymentContainerUrl string
param appSettings object
@description('Node.js 22: @azure/identity and @azure/arm-appcontainers, which the app uses, ask for 22 or later.')
@allowed(['20', '22'])
param nodeVersion string = '22'
@allowed([2048, 4096])
param instanceMemoryMB int = 4096
param maximumInstanceCount int = 40

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: { name: 'FC1', tier: 'FlexConsumption' }
  properties: { reserved: true }
}

resource app 'Microsoft.Web/sites@2024-04-01' = {
  name: appName
  location: location
  // azd finds the app to deploy the `api` service to by this tag.
  tags: union(tags, { 'azd-service-name': 'api' })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identityId}': {} }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    // Key Vault references in app settings resolve with this identity.
    keyVaultReferenceIdentity: identityId
    siteConfig: { minTlsVersion: '1.2' }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: deploymentContainerUrl
          authentication: { type: 'UserAssignedIdentity', userAssignedIdentityResourceId: identityId }
        }
      }
      runtime: { name: 'node', version: nodeVersion }
      scaleAndConcurrency: {
        instanceMemoryMB: instanceMemoryMB
        maximumInstanceCount: maximumInstanceCount
      }
    }
  }

  resource settings 'config' = {
    name: 'appsettings'
    properties: appSettings
  }
}

output name string = app.name
output url string = 'https://${app.properties.defaultHostName}'
