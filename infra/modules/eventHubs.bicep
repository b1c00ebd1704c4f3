// The Event Hubs namespace the streams read from, with local (SAS key) authentication off.
param name string
param location string
param tags object
@description('One hub per stream definition (streams/*.json source.hub).')
param hubs string[]

resource namespace 'Microsoft.EventHub/namespaces@2024-01-01' = {
  name: name
  location: location
  tags: tags
  sku: { name: 'Standard', tier: 'Standard', capacity: 1 }
  properties: {
    disableLocalAuth: true
    minimumTlsVersion: '1.2'
  }
}

resource eventHubs 'Microsoft.EventHub/namespaces/eventhubs@2024-01-01' = [
  for hub in hubs: {
    parent: namespace
    name: hub
    properties: {
      partitionCount: 4
      messageRetentionInDays: 1
    }
  }
]

output name string = namespace.name
output fullyQualifiedNamespace string = '${namespace.name}.servicebus.windows.net'
