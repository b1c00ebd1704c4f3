import { app } from '@azure/functions';
import { loadTelemetrySettings } from '../src/config';
import { startTelemetry, stopTelemetry, traceInvocation } from '../src/telemetry';

// OpenTelemetry starts once when the app loads (docs/telemetry.md); each invocation then runs under the
// trace context its host passed in.
app.hook.appStart(() => {
  startTelemetry(loadTelemetrySettings(process.env));
});
app.hook.appTerminate(() => stopTelemetry());
app.hook.preInvocation(traceInvocation);
