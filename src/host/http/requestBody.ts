import type { IncomingMessage, ServerResponse } from 'node:http';
import { HostConfigurationError } from '../errors';
import type { HostLogger } from '../logging/HostLogger';
import type { AppSettings } from '../settings/AppSettings';
import { redactUrl } from './redactUrl';

/** The app setting that changes the largest request body the host accepts, in bytes (as on Azure). */
export const requestBodyLimitSetting = 'FUNCTIONS_REQUEST_BODY_SIZE_LIMIT';
// The Functions host's default: 100 MB.
const defaultLimit = 100 * 1024 * 1024;

/** The request body limit in bytes: FUNCTIONS_REQUEST_BODY_SIZE_LIMIT, or 100 MB. */
export function requestBodyLimit(settings: AppSettings): number {
  const value = settings.get(requestBodyLimitSetting)?.trim();
  if (value === undefined || value === '') return defaultLimit;
  const bytes = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(bytes) || bytes <= 0) {
    throw new HostConfigurationError(
      `The app setting ${requestBodyLimitSetting} is "${value}": set it to the largest request body to accept, in bytes (the default is ${defaultLimit}, 100 MB).`,
    );
  }
  return bytes;
}

/** The body's length as the client declared it (Content-Length), if it did. */
export function declaredLength(request: IncomingMessage): number | undefined {
  const header = request.headers['content-length'];
  if (header === undefined || !/^\d+$/.test(header)) return undefined;
  return Number(header);
}

/**
 * The request body in one buffer, or undefined as soon as it is known to pass `limit` bytes (the rest
 * is then left unread for {@link refuseBody}). With a declared length the chunks are copied into one
 * buffer of that size as they arrive, so the body is never held twice.
 */
export function readRequestBody(request: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  const declared = declaredLength(request);
  if (declared !== undefined && declared > limit) return Promise.resolve(undefined);
  return new Promise((resolve, reject) => {
    const whole = declared === undefined ? undefined : Buffer.allocUnsafe(declared);
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      if (size + chunk.length > limit || (whole && size + chunk.length > whole.length)) {
        request.off('data', onData);
        request.pause();
        resolve(undefined);
        return;
      }
      if (whole) chunk.copy(whole, size);
      else chunks.push(chunk);
      size += chunk.length;
    };
    request.on('data', onData);
    request.once('end', () => resolve(whole ? whole.subarray(0, size) : Buffer.concat(chunks, size)));
    request.once('error', reject);
  });
}

const minimumDrainBytes = 16 * 1024 * 1024;

/**
 * Answers 413 with a body naming the limit and the setting that raises it, then reads and drops what
 * the client still sends, so it can read the answer instead of meeting a reset connection; past
 * another `limit` bytes (at least 16 MiB, so a small limit does not cut a client mid-body) the
 * connection is cut.
 */
export function refuseBody(
  request: IncomingMessage,
  response: ServerResponse,
  limit: number,
  log: HostLogger,
): void {
  const megabytes = Math.round((limit / (1024 * 1024)) * 100) / 100;
  const message = `The request body is larger than the host's limit of ${megabytes} MB (${limit} bytes). Send a smaller body, or raise the limit with the app setting ${requestBodyLimitSetting} (in bytes).`;
  const declared = declaredLength(request);
  const size = declared === undefined ? 'over the limit' : `${declared} bytes`;
  log.warn(
    `${request.method} ${redactUrl(request.url)}: 413, the request body (${size}) is larger than ${limit} bytes (${requestBodyLimitSetting}).`,
  );
  const body = Buffer.from(JSON.stringify({ message }));
  const drain = Math.max(limit, minimumDrainBytes);
  // A body declared past what is drained is never read: the connection closes after the answer. Any
  // other is read to its end with the connection kept open, so the client finishes sending and reads
  // the answer (closing at once would meet its writes with a reset).
  const closeNow = declared !== undefined && declared > drain;
  response.writeHead(413, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(body.length),
    ...(closeNow ? { connection: 'close' } : {}),
  });
  response.end(body);
  let dropped = 0;
  request.on('data', (chunk: Buffer) => {
    dropped += chunk.length;
    if (dropped > drain) request.socket.destroy();
  });
  request.resume();
}
