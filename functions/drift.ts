import { app, type HttpRequest } from '@azure/functions';
import { scoringServices } from '../src/appServices';
import { getModelDrift } from '../src/scoring/drift/driftHttp';

app.http('getModelDrift', {
  route: 'models/{name}/drift',
  methods: ['GET'],
  authLevel: 'function',
  handler: (request: HttpRequest) =>
    getModelDrift(request.params.name ?? '', request, scoringServices().drift),
});
