import { app, type HttpRequest } from '@azure/functions';
import { modelRegistry, modelUploads } from '../src/appServices';
import {
  getModel,
  getVersion,
  listModels,
  listTaggedVersions,
  registerVersion,
  rollback,
  setStage,
} from '../src/models/modelsHttp';

app.http('listModels', {
  route: 'models',
  methods: ['GET'],
  authLevel: 'function',
  handler: () => listModels(modelRegistry()),
});

app.http('getModel', {
  route: 'models/{name}',
  methods: ['GET'],
  authLevel: 'function',
  handler: (request: HttpRequest) => getModel(request.params.name ?? '', modelRegistry()),
});

app.http('getModelVersion', {
  route: 'models/{name}/versions/{version}',
  methods: ['GET'],
  authLevel: 'function',
  handler: (request: HttpRequest) =>
    getVersion(request.params.name ?? '', request.params.version ?? '', modelRegistry()),
});

app.http('listModelVersionsByTags', {
  route: 'models/{name}/versions',
  methods: ['GET'],
  authLevel: 'function',
  handler: (request: HttpRequest) => listTaggedVersions(request.params.name ?? '', request, modelRegistry()),
});

app.http('registerModelVersion', {
  route: 'models/{name}/versions',
  methods: ['POST'],
  authLevel: 'function',
  handler: (request: HttpRequest) =>
    registerVersion(request.params.name ?? '', request, modelRegistry(), modelUploads()),
});

app.http('setModelStage', {
  route: 'models/{name}/stage',
  methods: ['POST'],
  authLevel: 'function',
  handler: (request: HttpRequest) => setStage(request.params.name ?? '', request, modelRegistry()),
});

app.http('rollbackModel', {
  route: 'models/{name}/rollback',
  methods: ['POST'],
  authLevel: 'function',
  handler: (request: HttpRequest) => rollback(request.params.name ?? '', request, modelRegistry()),
});
