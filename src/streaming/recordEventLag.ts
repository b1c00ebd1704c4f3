import { appMetrics } from '../telemetry';
import { enqueuedTimeMs, type StreamBatch } from './StreamBatch';

/**
 * Records `streaming.event.lag` for each event of a batch the stream has handled (scored, or landed in
 * its window): the seconds from its enqueued time on Event Hubs to `handledMs`. Events without an
 * enqueued time (a trigger that gave none) are left out.
 */
export function recordEventLag(stream: string, batch: StreamBatch, handledMs = Date.now()): void {
  const lag = appMetrics().eventLag;
  const attributes = { stream };
  for (const event of batch.events) {
    const enqueued = enqueuedTimeMs(event.enqueuedTimeUtc);
    if (Number.isFinite(enqueued)) lag.record(Math.max(0, handledMs - enqueued) / 1000, attributes);
  }
}
