/** The tracer and meter every part of the app records under (its OpenTelemetry instrumentation scope). */
export const tracerName = 'durable-scoring';
export const meterName = 'durable-scoring';

/** The attribute that names a job on every span of its trace. */
export const jobIdAttribute = 'job.id';
