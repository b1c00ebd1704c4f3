import { app, type InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { dataConnection } from '../src/appServices';
import { parseWorkResult, raiseWorkResult } from '../src/dispatch';

/** A worker's result (local process or Container Apps execution) becomes its orchestration's event. */
app.storageQueue('workResults', {
  queueName: '%WORK_RESULTS_QUEUE%',
  connection: dataConnection(),
  extraInputs: [df.input.durableClient()],
  handler: async (message: unknown, context: InvocationContext) => {
    context.log(await raiseWorkResult(df.getClient(context), parseWorkResult(message)));
  },
});
