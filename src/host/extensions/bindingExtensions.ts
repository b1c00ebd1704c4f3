/** Binding types the Functions runtime serves itself: they need no extension, hence no bundle. */
const runtimeBindingTypes = new Set(['httptrigger', 'http', 'timertrigger']);

// The extension that provides each other binding type on Azure and under Core Tools, where the
// extension bundle in host.json brings it. Lower-cased, as binding types match case-insensitively.
const extensionByType: Readonly<Record<string, string>> = {
  blobtrigger: 'Azure Storage Blobs',
  blob: 'Azure Storage Blobs',
  queuetrigger: 'Azure Storage Queues',
  queue: 'Azure Storage Queues',
  table: 'Azure Tables',
  eventhubtrigger: 'Event Hubs',
  eventhub: 'Event Hubs',
  orchestrationtrigger: 'Durable Functions',
  activitytrigger: 'Durable Functions',
  entitytrigger: 'Durable Functions',
  durableclient: 'Durable Functions',
  twiliosms: 'Twilio',
  sendgrid: 'SendGrid',
  signalr: 'SignalR Service',
  signalrconnectioninfo: 'SignalR Service',
  signalrtrigger: 'SignalR Service',
  cosmosdb: 'Azure Cosmos DB',
  cosmosdbtrigger: 'Azure Cosmos DB',
  servicebus: 'Service Bus',
  servicebustrigger: 'Service Bus',
  eventgrid: 'Event Grid',
  eventgridtrigger: 'Event Grid',
  sql: 'Azure SQL',
  sqltrigger: 'Azure SQL',
  mysql: 'Azure Database for MySQL',
  mysqltrigger: 'Azure Database for MySQL',
  kafka: 'Kafka',
  kafkatrigger: 'Kafka',
  rabbitmq: 'RabbitMQ',
  rabbitmqtrigger: 'RabbitMQ',
  webpubsub: 'Web PubSub',
  webpubsubconnection: 'Web PubSub',
  webpubsubcontext: 'Web PubSub',
  webpubsubtrigger: 'Web PubSub',
  notificationhub: 'Notification Hubs',
  redis: 'Redis',
  redispubsubtrigger: 'Redis',
  redislisttrigger: 'Redis',
  redisstreamtrigger: 'Redis',
};

/** Whether the Functions runtime serves the binding type without any extension (HTTP, timer). */
export function isRuntimeBindingType(type: string): boolean {
  return runtimeBindingTypes.has(type.toLowerCase());
}

/** The extension that provides a binding type elsewhere (e.g. 'Event Hubs'); undefined if unknown. */
export function extensionForBindingType(type: string): string | undefined {
  return extensionByType[type.toLowerCase()];
}
