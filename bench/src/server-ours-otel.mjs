// Copilot Runtime with telemetry: server-ours.mjs + `telemetry: openTelemetry()`.
//   mode "off": the option given, no OpenTelemetry SDK registered (the API's no-op tracer and meter);
//   mode "on":  the real SDK: every span batched to an exporter that drops it, metrics aggregated by a reader.
import { metrics, trace } from "@opentelemetry/api";
import { MeterProvider, PeriodicExportingMetricReader, InMemoryMetricExporter, AggregationTemporality } from "@opentelemetry/sdk-metrics";
import { BasicTracerProvider, BatchSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { CopilotRuntime } from "@copilot-runtime/core";
import { openTelemetry } from "@copilot-runtime/otel";
import { openaiAdapter } from "./ours-openai.mjs";
import { SAY_HELLO, serve } from "./serve-ours.mjs";

const [baseURL, mode] = process.argv.slice(2);
if (mode === "on") {
  /** What an exporter does, without the network: the spans are dropped once batched. */
  const dropping = { export: (_spans, done) => done({ code: 0 }), shutdown: async () => {} };
  trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(dropping)] }));
  const reader = new PeriodicExportingMetricReader({
    exporter: new InMemoryMetricExporter(AggregationTemporality.DELTA),
    exportIntervalMillis: 10_000,
  });
  metrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] }));
}
const copilotRuntime = new CopilotRuntime({
  actions: [SAY_HELLO],
  telemetry: openTelemetry(),
});
const serviceAdapter = openaiAdapter(baseURL);
serve(copilotRuntime, serviceAdapter);
