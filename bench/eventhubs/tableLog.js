// The reference for bench/eventhubs/log.js: the local event hub log as it was before the segment log,
// kept here (and only here) so the bench measures both in the same run. A table per hub, one row per
// event (bodies past 30,000 characters continued in body1, body2, ...), and per partition a `$next`
// counter row updated under its ETag in the same 99-event transaction that inserts the events.
// Translated to plain JavaScript from src/host/triggers/eventHub/EventHubLog.ts and eventEntity.ts at
// commit 2ca6325; limits and behaviour unchanged.
'use strict';
const path = require('node:path');
const { setTimeout: delay } = require('node:timers/promises');

const root = path.resolve(__dirname, '../..');
const { odata } = require(path.join(root, 'node_modules/@azure/data-tables'));

const hubPartition = '$hub';
const hubRow = 'properties';
const counterRow = '$next';
const maxEventsPerTransaction = 99;
const maxTransactionChars = 3_000_000;
const maxAppendAttempts = 50;
const maxReadPageSize = 1000;
const bodyChunkChars = 30_000;

const sequenceRowKey = (sequenceNumber) => String(sequenceNumber).padStart(19, '0');
const statusOf = (error) => error.statusCode;

function tableName(hub) {
  return `eventhub${hub.toLowerCase().replace(/[^a-z0-9]/g, '')}`.slice(0, 63);
}

function toEventEntity(event) {
  const text = event.bodyIsText ? event.body.toString('utf8') : event.body.toString('base64');
  const entity = {
    partitionKey: event.partitionId,
    rowKey: sequenceRowKey(event.sequenceNumber),
    sequenceNumber: event.sequenceNumber,
    offset: event.offset,
    enqueuedTime: event.enqueuedTime,
    bodyEncoding: event.bodyIsText ? 'utf8' : 'base64',
    properties: JSON.stringify(event.properties),
  };
  if (event.partitionKey !== undefined) entity.eventPartitionKey = event.partitionKey;
  const chunks = Math.max(1, Math.ceil(text.length / bodyChunkChars));
  for (let index = 0; index < chunks; index++) {
    entity[index === 0 ? 'body' : `body${index}`] = text.slice(
      index * bodyChunkChars,
      (index + 1) * bodyChunkChars,
    );
  }
  entity.bodyChunks = chunks;
  return entity;
}

function fromEventEntity(entity) {
  const chunks = Number(entity.bodyChunks ?? 1);
  let text = '';
  for (let index = 0; index < chunks; index++) {
    const chunk = entity[index === 0 ? 'body' : `body${index}`];
    text += typeof chunk === 'string' ? chunk : '';
  }
  const bodyIsText = entity.bodyEncoding !== 'base64';
  const enqueuedTime = entity.enqueuedTime;
  return {
    partitionId: entity.partitionKey ?? '',
    sequenceNumber: Number(entity.sequenceNumber),
    offset: Number(entity.offset),
    enqueuedTime: enqueuedTime instanceof Date ? enqueuedTime : new Date(String(enqueuedTime)),
    body: Buffer.from(text, bodyIsText ? 'utf8' : 'base64'),
    bodyIsText,
    properties: JSON.parse(typeof entity.properties === 'string' ? entity.properties : '{}'),
    ...(typeof entity.eventPartitionKey === 'string' ? { partitionKey: entity.eventPartitionKey } : {}),
  };
}

function transactionRanges(bodies, events) {
  const ranges = [];
  let start = 0;
  let chars = 0;
  bodies.forEach((body, index) => {
    const size = Math.ceil(body.length * 1.4) + JSON.stringify(events[index]?.properties ?? {}).length + 256;
    if (index > start && (index - start >= maxEventsPerTransaction || chars + size > maxTransactionChars)) {
      ranges.push([start, index]);
      start = index;
      chars = 0;
    }
    chars += size;
  });
  if (start < bodies.length) ranges.push([start, bodies.length]);
  return ranges;
}

class TableEventHubLog {
  constructor(hub, partitionCount, table) {
    this.hub = hub;
    this.partitionCount = partitionCount;
    this.table = table;
  }

  static async open(storage, hub, partitionCount) {
    const table = storage.table(tableName(hub));
    await table.createTable();
    try {
      await table.createEntity({ partitionKey: hubPartition, rowKey: hubRow, hubName: hub, partitionCount });
    } catch (error) {
      if (statusOf(error) !== 409) throw error;
    }
    const properties = await table.getEntity(hubPartition, hubRow);
    return new TableEventHubLog(hub, Number(properties.partitionCount), table);
  }

  async append(partitionId, events) {
    const bodies = events.map((event) =>
      typeof event.body === 'string' ? Buffer.from(event.body, 'utf8') : event.body,
    );
    const stored = [];
    for (const range of transactionRanges(bodies, events)) {
      stored.push(...(await this.#appendInOneTransaction(partitionId, events, bodies, range)));
    }
    return stored;
  }

  async read(partitionId, fromSequenceNumber, maxCount) {
    const filter = odata`PartitionKey eq ${partitionId} and RowKey ge ${sequenceRowKey(fromSequenceNumber)}`;
    const events = [];
    const pages = this.table
      .listEntities({ queryOptions: { filter } })
      .byPage({ maxPageSize: Math.min(maxCount, maxReadPageSize) });
    for await (const page of pages) {
      for (const entity of page) if (events.length < maxCount) events.push(fromEventEntity(entity));
      if (events.length >= maxCount) break;
    }
    return events;
  }

  async #appendInOneTransaction(partitionId, events, bodies, [start, end]) {
    for (let attempt = 1; ; attempt++) {
      const counter = await this.#readCounter(partitionId);
      const enqueuedTime = new Date();
      let { sequenceNumber, offset } = counter;
      const stored = [];
      for (let index = start; index < end; index++) {
        const event = events[index];
        const body = bodies[index];
        stored.push({
          partitionId,
          sequenceNumber: sequenceNumber++,
          offset,
          enqueuedTime,
          body,
          bodyIsText: typeof event.body === 'string',
          properties: event.properties ?? {},
          ...(event.partitionKey !== undefined ? { partitionKey: event.partitionKey } : {}),
        });
        offset += body.length;
      }
      const next = { partitionKey: partitionId, rowKey: counterRow, sequenceNumber, offset };
      const actions = [
        counter.etag ? ['update', next, 'Replace', { etag: counter.etag }] : ['create', next],
        ...stored.map((event) => ['create', toEventEntity(event)]),
      ];
      try {
        await this.table.submitTransaction(actions);
        return stored;
      } catch (error) {
        const status = statusOf(error);
        if ((status !== 412 && status !== 409) || attempt >= maxAppendAttempts) throw error;
        await delay(Math.random() * Math.min(200, 5 * attempt));
      }
    }
  }

  async #readCounter(partitionId) {
    try {
      const entity = await this.table.getEntity(partitionId, counterRow);
      return {
        sequenceNumber: Number(entity.sequenceNumber),
        offset: Number(entity.offset),
        etag: entity.etag,
      };
    } catch (error) {
      if (statusOf(error) === 404) return { sequenceNumber: 0, offset: 0 };
      throw error;
    }
  }
}

module.exports = { TableEventHubLog };
