import { missingBindingsReason } from '../../../src/host/extensions/missingBindingsReason';

describe('missingBindingsReason: why a function is disabled, and what would run it', () => {
  it.each([
    [
      [{ type: 'sendGrid', role: 'output binding' as const }],
      "the host has no 'sendGrid' output binding; run this function on Azure or with Core Tools and the SendGrid extension",
    ],
    [
      [
        { type: 'cosmosDBTrigger', role: 'trigger' as const },
        { type: 'signalR', role: 'output binding' as const },
      ],
      "the host has no 'cosmosDBTrigger' trigger and no 'signalR' output binding; run this function on Azure or with Core Tools and the Azure Cosmos DB and SignalR Service extensions",
    ],
    [
      [
        { type: 'serviceBus', role: 'output binding' as const },
        { type: 'serviceBusTrigger', role: 'trigger' as const },
      ],
      "the host has no 'serviceBus' output binding and no 'serviceBusTrigger' trigger; run this function on Azure or with Core Tools and the Service Bus extension",
    ],
    [
      [{ type: 'myCustomThing', role: 'input binding' as const }],
      "the host has no 'myCustomThing' input binding; run this function on Azure or with Core Tools and the extension that provides it",
    ],
  ])('%j', (missing, reason) => {
    expect(missingBindingsReason(missing)).toBe(reason);
  });
});
