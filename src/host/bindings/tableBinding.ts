import { odata, type TableClient } from '@azure/data-tables';
import type { BindingContext, BindingProvider, HostServices, ResolvedBinding } from '../HostExtension';
import { rpcDataToValue } from '../converters/rpcTypedData';
import { HostConfigurationError } from '../errors';
import { resolveBindingTemplate } from '../settings/resolveBindingExpressions';
import { bindingUsage, connectionName, optionalProperty, requiredProperty } from './bindingUsage';
import { fromTableEntity, toTableEntity } from './tableEntities';
import { hasStatus } from '../storage/storageErrors';

/**
 * The `table` input and output. Input: `partitionKey` + `rowKey` read one entity (undefined when missing);
 * otherwise `partitionKey`, `filter` and `take` query an array. Output: inserts the returned entity or
 * entities, creating the table; an existing entity is an error, as with the real binding.
 */
export function tableBinding(services: () => HostServices): BindingProvider {
  return {
    async readInput(binding, context) {
      const usedBy = bindingUsage(context.fn, binding);
      const table = tableClient(services(), binding, context, usedBy);
      const resolve = (property: string) => resolveOptional(binding, property, context, usedBy);
      const partitionKey = resolve('partitionKey');
      const rowKey = resolve('rowKey');
      if (rowKey !== undefined) {
        if (partitionKey === undefined || binding.take !== undefined || binding.filter !== undefined) {
          throw new HostConfigurationError(
            `${usedBy}: rowKey needs partitionKey and cannot go with take or filter.`,
          );
        }
        return readOne(table, partitionKey, rowKey);
      }
      const filter = [
        partitionKey === undefined ? undefined : odata`PartitionKey eq ${partitionKey}`,
        resolve('filter'),
      ]
        .filter((part) => part !== undefined)
        .map((part) => `(${part})`)
        .join(' and ');
      return readMany(table, filter, takeOf(binding, usedBy));
    },
    async writeOutput(binding, data, context) {
      const usedBy = bindingUsage(context.fn, binding);
      const table = tableClient(services(), binding, context, usedBy);
      const value = rpcDataToValue(data);
      const parsed: unknown = typeof value === 'string' ? parseJson(value, usedBy) : value;
      const defaults = {
        partitionKey: resolveOptional(binding, 'partitionKey', context, usedBy),
        rowKey: resolveOptional(binding, 'rowKey', context, usedBy),
      };
      const entities = (Array.isArray(parsed) ? parsed : [parsed]).map((item, index) =>
        toTableEntity(item, defaults, index, usedBy),
      );
      if (entities.length > 0) await table.createTable();
      for (const entity of entities) {
        try {
          await table.createEntity(entity);
        } catch (error) {
          if (!hasStatus(error, 409)) throw error;
          throw new Error(
            `${usedBy}: the entity (PartitionKey '${entity.partitionKey}', RowKey '${entity.rowKey}') already exists in table '${table.tableName}'; the table output inserts and never overwrites.`,
          );
        }
      }
    },
  };
}

async function readOne(table: TableClient, partitionKey: string, rowKey: string) {
  try {
    const entity = await table.getEntity<Record<string, unknown>>(partitionKey, rowKey);
    return { json: JSON.stringify(fromTableEntity(entity)) };
  } catch (error) {
    if (hasStatus(error, 404)) return undefined;
    throw error;
  }
}

async function readMany(table: TableClient, filter: string, take: number | undefined) {
  const entities: Record<string, unknown>[] = [];
  try {
    const query = filter === '' ? {} : { queryOptions: { filter } };
    for await (const entity of table.listEntities<Record<string, unknown>>(query)) {
      if (take !== undefined && entities.length >= take) break;
      entities.push(fromTableEntity(entity));
    }
  } catch (error) {
    // A table that does not exist yet holds no entities.
    if (!hasStatus(error, 404)) throw error;
  }
  return { json: JSON.stringify(entities) };
}

function tableClient(
  services: HostServices,
  binding: ResolvedBinding,
  context: BindingContext,
  usedBy: string,
) {
  const name = resolveBindingTemplate(
    requiredProperty(binding, 'tableName', usedBy),
    context.bindingData,
    usedBy,
  );
  if (!/^[A-Za-z][A-Za-z0-9]{2,62}$/.test(name)) {
    throw new HostConfigurationError(
      `${usedBy}: "${name}" is not a valid table name (3-63 letters and digits, starting with a letter).`,
    );
  }
  return services.storage.get(connectionName(binding), usedBy).table(name);
}

function resolveOptional(
  binding: ResolvedBinding,
  property: string,
  context: BindingContext,
  usedBy: string,
) {
  const template = optionalProperty(binding, property);
  return template === undefined ? undefined : resolveBindingTemplate(template, context.bindingData, usedBy);
}

function takeOf(binding: ResolvedBinding, usedBy: string): number | undefined {
  if (binding.take === undefined || binding.take === null) return undefined;
  const take = Number(binding.take);
  if (!Number.isInteger(take) || take < 1) {
    throw new HostConfigurationError(
      `${usedBy}: take is ${JSON.stringify(binding.take)}; it must be a whole number above 0.`,
    );
  }
  return take;
}

function parseJson(text: string, usedBy: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new HostConfigurationError(
      `${usedBy}: the returned string is not a JSON entity or array of entities.`,
    );
  }
}
