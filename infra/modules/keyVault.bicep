// Key Vault for the secrets an app setting may reference as @Microsoft.KeyVault(SecretUri=...):
// access by Azure RBAC, so the app's identity reads secrets through its role, not an access policy.
param name string
param location string
param tags object

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: tenant().tenantId
    sku: { family: 'A', name: 'standard' }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 7
  }
}

output name string = vault.name
output uri string = vault.properties.vaultUri
