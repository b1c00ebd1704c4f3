// Records, for every event it receives, how long after its producer stamped it the function saw it.
const { appendFileSync } = require('node:fs');
const { app } = require('@azure/functions');

app.eventHub('latency', {
  connection: 'BenchEventHubs',
  eventHubName: '%BENCH_HUB%',
  cardinality: 'many',
  handler: (events, context) => {
    const now = Date.now();
    const properties = context.triggerMetadata.propertiesArray;
    const lines = properties.map((p) => `${now - Number(p.sentAt)}\n`).join('');
    appendFileSync(process.env.BENCH_LATENCY_FILE, lines);
  },
});
