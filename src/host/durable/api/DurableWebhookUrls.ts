/** Where the Durable HTTP API lives under the host, as on Azure (Functions v2+). */
export const durableWebhookPath = 'runtime/webhooks/durabletask';

/** The placeholder the `durableClient` binding puts where an instance id goes; df's client replaces it. */
export const instanceIdPlaceholder = 'INSTANCEID';

/** The connection name the extension reports for the default storage account (AzureWebJobsStorage). */
const defaultConnectionName = 'Storage';

/** The links createCheckStatusResponse returns for one instance (all strings, as on Azure). */
export interface HttpManagementPayload {
  id: string;
  statusQueryGetUri: string;
  sendEventPostUri: string;
  terminatePostUri: string;
  purgeHistoryDeleteUri: string;
  rewindPostUri: string;
  restartPostUri: string;
  suspendPostUri: string;
  resumePostUri: string;
}

export interface HttpCreationPayload {
  createNewInstancePostUri: string;
  createAndWaitOnNewInstancePostUri: string;
}

/**
 * Builds the Durable API's URLs the way the extension does: `{origin}/runtime/webhooks/durabletask/...`
 * with `taskHub`, `connection` and the `durabletask_extension` system key in the query string.
 */
export class DurableWebhookUrls {
  constructor(
    private readonly origin: string,
    private readonly hubName: string,
    private readonly systemKey: string,
  ) {}

  /** e.g. http://127.0.0.1:7071/runtime/webhooks/durabletask (no trailing slash, as on Azure). */
  get baseUrl(): string {
    return `${this.origin.replace(/\/+$/, '')}/${durableWebhookPath}`;
  }

  /** The query string every call needs: the system key. */
  get requiredQueryStringParameters(): string {
    return `code=${this.systemKey}`;
  }

  creationUrls(): HttpCreationPayload {
    const prefix = `${this.baseUrl}/orchestrators/{functionName}[/{instanceId}]`;
    return {
      createNewInstancePostUri: `${prefix}?${this.requiredQueryStringParameters}`,
      createAndWaitOnNewInstancePostUri: `${prefix}?timeout={timeoutInSeconds}&pollingInterval={intervalInSeconds}&${this.requiredQueryStringParameters}`,
    };
  }

  /** Links for one instance; pass instanceIdPlaceholder to get the binding's templates. */
  managementPayload(instanceId: string): HttpManagementPayload {
    const instance = `${this.baseUrl}/instances/${instanceId === instanceIdPlaceholder ? instanceId : encodeURIComponent(instanceId)}`;
    const query = `taskHub=${encodeURIComponent(this.hubName)}&connection=${defaultConnectionName}&${this.requiredQueryStringParameters}`;
    return {
      id: instanceId,
      statusQueryGetUri: `${instance}?${query}`,
      sendEventPostUri: `${instance}/raiseEvent/{eventName}?${query}`,
      terminatePostUri: `${instance}/terminate?reason={text}&${query}`,
      purgeHistoryDeleteUri: `${instance}?${query}`,
      rewindPostUri: `${instance}/rewind?reason={text}&${query}`,
      restartPostUri: `${instance}/restart?${query}`,
      suspendPostUri: `${instance}/suspend?reason={text}&${query}`,
      resumePostUri: `${instance}/resume?reason={text}&${query}`,
    };
  }
}
