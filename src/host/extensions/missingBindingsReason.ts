/** A binding of the app that no extension of the host provides. */
export interface MissingBinding {
  readonly type: string;
  readonly role: 'trigger' | 'input binding' | 'output binding';
}

// The extension that provides each binding type elsewhere (Azure, Core Tools with the extension
// bundle), so the reason can say what would run the function.
const extensionByType: Readonly<Record<string, string>> = {
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

/**
 * Why a function is disabled, e.g. "the host has no 'twilioSms' output binding; run this function on
 * Azure or with Core Tools and the Twilio extension".
 */
export function missingBindingsReason(missing: readonly MissingBinding[]): string {
  const what = missing.map(({ type, role }) => `no '${type}' ${role}`).join(' and ');
  const extensions = [...new Set(missing.map(({ type }) => extensionByType[type.toLowerCase()]))];
  const known = extensions.filter((name): name is string => name !== undefined);
  const needed =
    known.length === extensions.length
      ? `the ${known.join(' and ')} extension${known.length > 1 ? 's' : ''}`
      : 'the extension that provides it';
  return `the host has ${what}; run this function on Azure or with Core Tools and ${needed}`;
}
