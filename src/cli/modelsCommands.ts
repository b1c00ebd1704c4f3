import { readFile, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import type { ModelOverview, RegisteredVersion, StageChange } from '../models/registry/ModelRegistry';
import type { AuditRecord, ModelVersionInfo } from '../models/registry/registryRows';
import { defaultHostUrl, JobsApiClient } from './JobsApiClient';
import { printTable } from './printTable';

interface ApiOptions {
  url: string;
  json?: boolean;
}

type ModelView = ModelOverview & {
  versions: ModelVersionInfo[];
  audit: AuditRecord[];
  keys?: { key: Record<string, string>; production?: number }[];
};

/** `durable-scoring models list|show|register|promote|rollback`, through the models API of a running host. */
export function modelsCommand(): Command {
  const command = new Command('models').description(
    "List, inspect, register, promote and roll back registry models through a running host's models API.",
  );
  command
    .command('list')
    .description('List registered models with their latest, production and staging versions.')
    .argument('[appDir]', 'function app folder', '.')
    .option('--url <url>', 'address of the running host', defaultHostUrl)
    .option('--json', 'print JSON (as GET /api/models returns it)')
    .action(async (appDir: string, options: ApiOptions) => {
      const models = await (
        await JobsApiClient.open(appDir, options.url)
      ).call<ModelOverview[]>('GET', 'models');
      if (options.json) console.log(JSON.stringify(models, null, 2));
      else if (models.length === 0) console.log('No models registered.');
      else
        printTable(
          ['NAME', 'LATEST', 'PRODUCTION', 'STAGING'],
          models.map((m) => [
            m.name,
            String(m.latestVersion),
            m.partitionBy ? `per ${m.partitionBy.join(' × ')}` : String(m.production ?? ''),
            String(m.staging ?? ''),
          ]),
        );
    });
  command
    .command('show')
    .description('Show a model (its versions and audit trail) or one version: name, name@7, name@production.')
    .argument('<ref>', 'model name or name@<version|production|staging|latest>')
    .argument('[appDir]', 'function app folder', '.')
    .option('--url <url>', 'address of the running host', defaultHostUrl)
    .option('--json', 'print JSON (as the API returns it)')
    .action(async (ref: string, appDir: string, options: ApiOptions) => {
      const api = await JobsApiClient.open(appDir, options.url);
      const [name = '', version] = ref.split('@');
      if (version === undefined) {
        const model = await api.call<ModelView>('GET', `models/${encodeURIComponent(name)}`);
        if (options.json) console.log(JSON.stringify(model, null, 2));
        else printModel(model);
      } else {
        const path = `models/${encodeURIComponent(name)}/versions/${encodeURIComponent(version)}`;
        const found = await api.call<RegisteredVersion>('GET', path);
        if (options.json) console.log(JSON.stringify(found, null, 2));
        else printVersion(found);
      }
    });
  command
    .command('register')
    .description('Register a new version from a folder (model.onnx + model.json) or an .onnx file.')
    .argument('<path>', 'model folder or .onnx file')
    .argument('[appDir]', 'function app folder', '.')
    .option('--card <file>', 'model card (default: model.json next to the model)')
    .option('--name <name>', 'model name (default: the card name, else the folder or file name)')
    .option('--url <url>', 'address of the running host', defaultHostUrl)
    .option('--json', 'print the registered version as JSON')
    .action(
      async (source: string, appDir: string, options: ApiOptions & { card?: string; name?: string }) => {
        const { onnx, card, name } = await readModel(source, options);
        const api = await JobsApiClient.open(appDir, options.url);
        const registered = await api.call<RegisteredVersion>(
          'POST',
          `models/${encodeURIComponent(name)}/versions`,
          {
            card,
            onnxBase64: onnx.toString('base64'),
            producer: `${os.userInfo().username} (durable-scoring models register)`,
          },
        );
        if (options.json) console.log(JSON.stringify(registered, null, 2));
        else
          console.log(
            `Registered ${registered.name}@${registered.version} (stage ${registered.stage}, ${registered.bytes} bytes, sha256 ${registered.sha256}).`,
          );
      },
    );
  command
    .command('promote')
    .description(
      'Move a version to a stage (default production; the production version it replaces is archived).',
    )
    .argument('<name>', 'model name')
    .argument('<version>', 'version number')
    .argument('[appDir]', 'function app folder', '.')
    .option('--stage <stage>', 'None, Staging, Production or Archived', 'production')
    .requiredOption('--reason <text>', 'why (kept in the audit trail)')
    .option('--url <url>', 'address of the running host', defaultHostUrl)
    .action(
      async (
        name: string,
        version: string,
        appDir: string,
        options: ApiOptions & { stage: string; reason: string },
      ) => {
        const api = await JobsApiClient.open(appDir, options.url);
        const change = await api.call<StageChange>('POST', `models/${encodeURIComponent(name)}/stage`, {
          version: Number(version),
          stage: options.stage,
          reason: options.reason,
          by: os.userInfo().username,
        });
        console.log(describeChange(change));
      },
    );
  command
    .command('rollback')
    .description('Put the previous production version back in Production (the current one is archived).')
    .argument('<name>', 'model name')
    .argument('[appDir]', 'function app folder', '.')
    .requiredOption('--reason <text>', 'why (kept in the audit trail)')
    .option('--key <tags>', "a per-key model's key to roll back, e.g. Store=2,Brand=dominicks")
    .option('--url <url>', 'address of the running host', defaultHostUrl)
    .action(async (name: string, appDir: string, options: ApiOptions & { reason: string; key?: string }) => {
      const api = await JobsApiClient.open(appDir, options.url);
      const change = await api.call<StageChange>('POST', `models/${encodeURIComponent(name)}/rollback`, {
        reason: options.reason,
        by: os.userInfo().username,
        ...(options.key === undefined ? {} : { key: parseKey(options.key) }),
      });
      console.log(describeChange(change));
    });
  return command;
}

async function readModel(source: string, options: { card?: string; name?: string }) {
  const isFolder = (await stat(source).catch(() => undefined))?.isDirectory() ?? false;
  const onnxFile = isFolder ? path.join(source, 'model.onnx') : source;
  const onnx = await readFile(onnxFile).catch((error: NodeJS.ErrnoException) => {
    throw new Error(`Cannot read ${onnxFile}: ${error.code === 'ENOENT' ? 'no such file' : error.message}.`);
  });
  const cardFile = options.card ?? path.join(path.dirname(onnxFile), 'model.json');
  const cardText = await readFile(cardFile, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (options.card === undefined && error.code === 'ENOENT') return undefined;
    throw new Error(`Cannot read the card ${cardFile}: ${error.message}.`);
  });
  let card: Record<string, unknown> | undefined;
  try {
    card = cardText === undefined ? undefined : (JSON.parse(cardText) as Record<string, unknown>);
  } catch (error) {
    throw new Error(`The card ${cardFile} is not JSON: ${(error as Error).message}`);
  }
  const fallback = isFolder
    ? path.basename(path.resolve(source))
    : path.basename(source, path.extname(source));
  const name = options.name ?? (typeof card?.name === 'string' ? card.name : fallback);
  // The registry numbers versions and keeps stages; the card's own are not sent.
  if (card) card = { ...card, name, version: undefined, stage: undefined };
  return { onnx, card, name };
}

function describeChange(change: StageChange): string {
  const { audit, name } = change;
  const moved = audit.displaced.map((move) => `; ${name}@${move.version} ${move.from} → ${move.to}`).join('');
  const key = audit.key
    ? ` [${Object.entries(audit.key)
        .map(([column, value]) => `${column}=${value}`)
        .join(', ')}]`
    : '';
  return `${name}@${audit.version}${key}: ${audit.previousStage} → ${audit.stage}${moved} (${audit.action} #${audit.sequence} by ${audit.by}).`;
}

/** `--key Store=2,Brand=dominicks` as tags; a part without `=` is an error naming it. */
function parseKey(text: string): Record<string, string> {
  const key: Record<string, string> = {};
  for (const part of text.split(',')) {
    const at = part.indexOf('=');
    if (at < 1) throw new Error(`--key: "${part}" is not column=value (e.g. --key Store=2,Brand=dominicks).`);
    key[part.slice(0, at)] = part.slice(at + 1);
  }
  return key;
}

function printModel(model: ModelView): void {
  console.log(`Model:      ${model.name}`);
  console.log(`Latest:     ${model.latestVersion}`);
  if (model.production !== undefined) console.log(`Production: ${model.production}`);
  if (model.staging !== undefined) console.log(`Staging:    ${model.staging}`);
  if (model.partitionBy)
    console.log(
      `Stages:     per ${model.partitionBy.join(' × ')} (${(model.keys ?? []).filter((k) => k.production !== undefined).length} keys with a production version)`,
    );
  printTable(
    ['VERSION', 'STAGE', 'CREATED', 'SHA256', 'TAGS'],
    model.versions.map((v) => [
      String(v.version),
      v.stage,
      v.createdAt,
      v.sha256.slice(0, 12),
      Object.entries(v.tags)
        .map(([key, value]) => `${key}=${value}`)
        .join(','),
    ]),
  );
  if (model.audit.length === 0) return;
  console.log('');
  printTable(
    ['#', 'WHEN', 'ACTION', 'VERSION', 'STAGE', 'BY', 'REASON'],
    model.audit.map((a) => [
      String(a.sequence),
      a.at,
      a.action,
      String(a.version),
      `${a.previousStage} → ${a.stage}`,
      a.by,
      a.reason,
    ]),
  );
}

function printVersion(version: RegisteredVersion): void {
  const lines: [string, string | number | undefined][] = [
    ['Model', `${version.name}@${version.version}`],
    ['Stage', version.stage],
    ['Created', version.createdAt],
    ['Producer', version.producer],
    ['SHA-256', version.sha256],
    ['Bytes', version.bytes],
    ['Parent', version.parentVersion],
    ['Training', version.trainingData],
    ['Tags', JSON.stringify(version.tags)],
    ['Metrics', JSON.stringify(version.metrics)],
  ];
  for (const [label, value] of lines)
    if (value !== undefined) console.log(`${`${label}:`.padEnd(11)}${value}`);
  const signature = version.card.signature;
  for (const [kind, values] of [
    ['Input', signature?.inputs ?? []],
    ['Output', signature?.outputs ?? []],
  ] as const)
    for (const value of values)
      console.log(
        `${`${kind}:`.padEnd(11)}${value.name} ${value.elementType ?? 'non-tensor'} [${value.shape.join(', ')}]`,
      );
}
