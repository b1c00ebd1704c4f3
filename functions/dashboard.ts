import { app, type HttpRequest, type InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { bundledDashboard, getInstance, listInstances, serveDashboardAsset } from '../src/dashboard';

const durableClient = df.input.durableClient();

// The page holds no data and no key: it is served without one, and every data call it makes carries it.
app.http('dashboard', {
  route: 'dashboard/{*path}',
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: (request: HttpRequest) =>
    serveDashboardAsset(request.url, request.params.path ?? '', bundledDashboard()),
});

app.http('listInstances', {
  route: 'instances',
  methods: ['GET'],
  authLevel: 'function',
  extraInputs: [durableClient],
  handler: (request: HttpRequest, context: InvocationContext) =>
    listInstances(request, df.getClient(context)),
});

app.http('getInstance', {
  route: 'instances/{id}',
  methods: ['GET'],
  authLevel: 'function',
  extraInputs: [durableClient],
  handler: (request: HttpRequest, context: InvocationContext) =>
    getInstance(request.params.id ?? '', df.getClient(context)),
});
