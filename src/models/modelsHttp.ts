import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { NotFoundError, ValidationError } from '../errors';
import { describeValue } from '../runtime/formats/describeValue';
import { checkModelName } from '../runtime/models/ModelCard';
import type { DataContainers } from '../storage/DataContainers';
import { readBlob } from '../storage/readBlob';
import type { StorageClients } from '../storage/StorageClients';
import type { ModelRegistry } from './registry/ModelRegistry';
import { parseModelStage } from './registry/ModelStage';
import { withErrorResponses } from '../http/withErrorResponses';

/** GET /api/models: every model with its latest, production and staging versions. */
export function listModels(registry: ModelRegistry): Promise<HttpResponseInit> {
  return withErrorResponses(async () => ({ status: 200, jsonBody: await registry.list() }));
}

/** GET /api/models/{name}: the model, all its versions (table rows) and its audit trail. */
export function getModel(name: string, registry: ModelRegistry): Promise<HttpResponseInit> {
  return withErrorResponses(async () => ({ status: 200, jsonBody: await registry.model(name) }));
}

/** GET /api/models/{name}/versions/{version}: `7`, `latest`, `production` or `staging`; row and card. */
export function getVersion(
  name: string,
  version: string,
  registry: ModelRegistry,
): Promise<HttpResponseInit> {
  return withErrorResponses(async () => {
    // The name and the version are checked apart: joined into one reference ("a@b" + "@1"), a bad
    // name would be reported as a bad version.
    checkModelName(name);
    return { status: 200, jsonBody: await registry.version({ name, ...versionSelector(version) }) };
  });
}

/** A version path segment: a version number, `latest`, `production` or `staging`. */
function versionSelector(text: string): { version: number } | { stage: string } {
  if (/^[1-9][0-9]*$/.test(text) && Number.isSafeInteger(Number(text))) return { version: Number(text) };
  if (/^(latest|production|staging)$/i.test(text)) return { stage: text };
  throw new ValidationError(
    `Version ${describeValue(text)}: give a version number, latest, production or staging.`,
    { field: 'version' },
  );
}

/**
 * GET /api/models/{name}/versions?tag=Store=2&tag=Brand=dominicks[&stage=production] (or
 * `tag=Store=2,Brand=dominicks`): the versions carrying every tag (and in the stage), newest first,
 * through the tag index. A tag value holding a comma cannot be given here.
 */
export function listTaggedVersions(
  name: string,
  request: HttpRequest,
  registry: ModelRegistry,
): Promise<HttpResponseInit> {
  return withErrorResponses(async () => {
    const tags: Record<string, string> = {};
    // The Functions host hands a repeated query parameter to the worker as one value joined by commas.
    for (const text of request.query.getAll('tag').flatMap((value) => value.split(','))) {
      const at = text.indexOf('=');
      if (at < 1)
        throw new ValidationError(`tag "${text}": give a tag as name=value (e.g. tag=Store=2).`, {
          field: 'tag',
        });
      tags[text.slice(0, at)] = text.slice(at + 1);
    }
    if (Object.keys(tags).length === 0)
      throw new ValidationError(
        'Give one or more tags to list versions by, e.g. ?tag=Store=2&tag=Brand=dominicks (all versions: GET /api/models/{name}).',
        { field: 'tag' },
      );
    const stageText = request.query.get('stage');
    const stage = stageText === null ? undefined : parseModelStage(stageText);
    const versions = await registry.versionsTagged(name, tags, stage);
    return { status: 200, jsonBody: { name, tags, ...(stage ? { stage } : {}), versions } };
  });
}

/** Where a registration may read a model file uploaded to blob storage beforehand. */
export interface ModelUploads {
  readonly storage: StorageClients;
  readonly containers: DataContainers;
}

/**
 * POST /api/models/{name}/versions. Either the ONNX bytes as the body (`application/octet-stream`) with
 * the card, base64-encoded JSON, in the `x-model-card` header; or `application/json` with the card and
 * either `"onnxBase64"` or `"blob": "<container>/<path>"`, a model file already uploaded to a container
 * jobs may read (large models: the file goes to storage directly, not through the HTTP request and
 * its copies), and optionally `"labels": "<container>/<path>"`, a label file of an image classifier.
 * 201 with the new version and its Location.
 */
export function registerVersion(
  name: string,
  request: HttpRequest,
  registry: ModelRegistry,
  uploads: ModelUploads,
): Promise<HttpResponseInit> {
  return withErrorResponses(async () => {
    const { onnx, card, producer } = await readRegistration(request, uploads);
    const registered = await registry.register({ name, onnx, card, producer: producer ?? callerOf(request) });
    const location = new URL(
      `versions/${registered.version}`,
      `${request.url.replace(/\/versions\/?(\?.*)?$/, '')}/`,
    );
    return { status: 201, headers: { location: location.toString() }, jsonBody: registered };
  });
}

/** POST /api/models/{name}/stage `{ version, stage, reason, by? }`: one audited, atomic change. */
export function setStage(
  name: string,
  request: HttpRequest,
  registry: ModelRegistry,
): Promise<HttpResponseInit> {
  return withErrorResponses(async () => {
    const body = await readJsonObject(request);
    const version = body.version;
    if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 1)
      throw new ValidationError('"version" must be a version number (a positive integer).', {
        field: 'version',
      });
    if (typeof body.stage !== 'string')
      throw new ValidationError('"stage" must be None, Staging, Production or Archived.', { field: 'stage' });
    const stage = parseModelStage(body.stage);
    const change = await registry.setStage(name, version, stage, actorOf(body, request));
    return { status: 200, jsonBody: change };
  });
}

/**
 * POST /api/models/{name}/rollback `{ reason, by?, key? }`: the previous production version back in
 * Production; for a per-key model, `key` (e.g. `{ "store": "2" }`) names whose.
 */
export function rollback(
  name: string,
  request: HttpRequest,
  registry: ModelRegistry,
): Promise<HttpResponseInit> {
  return withErrorResponses(async () => {
    const body = await readJsonObject(request);
    const key = body.key;
    if (
      key !== undefined &&
      (key === null ||
        typeof key !== 'object' ||
        Array.isArray(key) ||
        Object.values(key).some((value) => typeof value !== 'string'))
    )
      throw new ValidationError('"key" must be an object of tag values, e.g. { "store": "2" }.', {
        field: 'key',
      });
    const change = await registry.rollback(
      name,
      actorOf(body, request),
      key as Record<string, string> | undefined,
    );
    return { status: 200, jsonBody: change };
  });
}

async function readRegistration(request: HttpRequest, uploads: ModelUploads) {
  const type = request.headers.get('content-type') ?? '';
  if (type.startsWith('application/json')) {
    const body = await readJsonObject(request);
    const producer = typeof body.producer === 'string' ? body.producer : undefined;
    const card = body.labels === undefined ? body.card : await withLabels(body.card, body.labels, uploads);
    if (body.blob !== undefined) {
      if (body.onnxBase64 !== undefined)
        throw new ValidationError('Give the model file as "blob" or as "onnxBase64", not both.', {
          field: 'blob',
        });
      return { onnx: await readUploadedFile(body.blob, uploads, 'blob'), card, producer };
    }
    // Buffer.from(text, 'base64') skips what is not base64: check first, or "%%%" reaches onnxruntime.
    const base64 = typeof body.onnxBase64 === 'string' ? body.onnxBase64.replace(/\s+/g, '') : '';
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(base64))
      throw new ValidationError(
        '"onnxBase64" must hold the model file, base64-encoded (or give "blob": "<container>/<path>" of an uploaded file).',
        { field: 'onnxBase64' },
      );
    return { onnx: Buffer.from(base64, 'base64'), card, producer };
  }
  const onnx = Buffer.from(await request.arrayBuffer());
  const header = request.headers.get('x-model-card');
  let card: unknown;
  if (header) {
    try {
      card = JSON.parse(Buffer.from(header, 'base64').toString('utf8'));
    } catch {
      throw new ValidationError('The x-model-card header must be the card JSON, base64-encoded.', {
        field: 'x-model-card',
      });
    }
  }
  return { onnx, card, producer: undefined };
}

/**
 * A file uploaded to `<container>/<path>` in a container jobs may read, read once: the model file
 * (`blob`) or a label file (`labels`).
 */
async function readUploadedFile(
  reference: unknown,
  uploads: ModelUploads,
  field: 'blob' | 'labels',
): Promise<Buffer> {
  const what = field === 'blob' ? 'model file' : 'label file';
  const text = typeof reference === 'string' ? reference : '';
  const slash = text.indexOf('/');
  if (slash < 1 || slash === text.length - 1 || text.length > 1100)
    throw new ValidationError(`"${field}" must be "<container>/<path>" of the uploaded ${what}.`, { field });
  const container = uploads.containers.checkRead(text.slice(0, slash), field);
  const client = uploads.storage.container(container).getBlobClient(text.slice(slash + 1));
  try {
    return (await readBlob(client)).bytes;
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404)
      throw new NotFoundError(`The ${what} ${container}/${text.slice(slash + 1)} does not exist.`);
    throw error;
  }
}

/**
 * The card with the classes of a label file (`"labels": "<container>/<path>"`, one label a line, in
 * the order of the model's scores) as its `labels`: kept in the card, they travel with the version.
 */
async function withLabels(card: unknown, reference: unknown, uploads: ModelUploads): Promise<unknown> {
  if (card !== undefined && (card === null || typeof card !== 'object' || Array.isArray(card)))
    throw new ValidationError('The model card must be a JSON object.', { field: 'card' });
  const text = (await readUploadedFile(reference, uploads, 'labels')).toString('utf8');
  const labels = text
    .replace(/^\uFEFF/, '')
    .replace(/\r?\n$/, '')
    .split(/\r?\n/);
  return { ...card, labels };
}

async function readJsonObject(request: HttpRequest): Promise<Record<string, unknown>> {
  // "(body)" as the field, as a job spec that is not an object names it.
  const field = '(body)';
  const body: unknown = await request.json().catch(() => {
    throw new ValidationError('The request body must be a JSON object.', { field });
  });
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    throw new ValidationError('The request body must be a JSON object.', { field });
  return body as Record<string, unknown>;
}

function actorOf(body: Record<string, unknown>, request: HttpRequest) {
  if (body.reason !== undefined && typeof body.reason !== 'string')
    throw new ValidationError('"reason" must be text.', { field: 'reason' });
  if (typeof body.reason !== 'string' || body.reason.trim() === '')
    throw new ValidationError('Give a "reason" for the stage change.', { field: 'reason' });
  const by = typeof body.by === 'string' && body.by !== '' ? body.by : callerOf(request);
  return { by, reason: body.reason };
}

/** The signed-in caller when App Service authentication is on; otherwise the API. */
function callerOf(request: HttpRequest): string {
  return request.headers.get('x-ms-client-principal-name') ?? 'api';
}
