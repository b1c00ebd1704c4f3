import { app, type HttpRequest, type InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { scoringServices } from '../src/appServices';
import { cancelJob, createJob, getJob, listJobs } from '../src/scoring/jobsHttp';
import { getJobOutput } from '../src/scoring/jobOutputHttp';

const durableClient = df.input.durableClient();

app.http('createJob', {
  route: 'jobs',
  methods: ['POST'],
  authLevel: 'function',
  extraInputs: [durableClient],
  handler: (request: HttpRequest, context: InvocationContext) =>
    createJob(request, df.getClient(context), scoringServices()),
});

app.http('listJobs', {
  route: 'jobs',
  methods: ['GET'],
  authLevel: 'function',
  handler: (request: HttpRequest) => listJobs(request, scoringServices()),
});

app.http('getJob', {
  route: 'jobs/{id}',
  methods: ['GET'],
  authLevel: 'function',
  handler: (request: HttpRequest) => getJob(request.params.id ?? '', scoringServices()),
});

app.http('cancelJob', {
  route: 'jobs/{id}/cancel',
  methods: ['POST'],
  authLevel: 'function',
  extraInputs: [durableClient],
  handler: (request: HttpRequest, context: InvocationContext) =>
    cancelJob(request.params.id ?? '', df.getClient(context), scoringServices()),
});

app.http('getJobOutput', {
  route: 'jobs/{id}/output',
  methods: ['GET'],
  authLevel: 'function',
  handler: (request: HttpRequest) => {
    const services = scoringServices();
    return getJobOutput(request.params.id ?? '', request, {
      jobs: services.jobs,
      storage: services.runtime.storage,
    });
  },
});
