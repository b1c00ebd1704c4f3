/** The tracer and meter every part of the app records under (its OpenTelemetry instrumentation scope). */
export const tracerName = 'durable-scoring';
export const meterName = 'durable-scoring';

/** The attribute that names a job on every span of its trace. */
export const jobIdAttribute = 'job.id';

/** The attribute that names a retraining run on every span of its trace. */
export const runIdAttribute = 'run.id';
