// Copilot Runtime with telemetry: server-ours.mjs + `telemetry: openTelemetry()`.
//   mode "off": the option given, no OpenTelemetry SDK registered (the API's no-op tracer and meter);
//   mode "on":  the real SDK: every span batched to an exporter that drops it, metrics aggregated by a reader.
import { createServer } from "node:http";
import { metrics, trace } from "@opentelemetry/api";
import { MeterProvider, PeriodicExportingMetricReader, InMemoryMetricExporter, AggregationTemporality } from "@opentelemetry/sdk-metrics";
import { BasicTracerProvider, BatchSpanProcessor } from "@opentelemetry/sdk-trace-base";
import OpenAI from "openai";
import { CopilotRuntime } from "@copilot-runtime/core";
import { copilotRuntimeNodeHttpEndpoint } from "@copilot-runtime/node";
import { OpenAIAdapter } from "@copilot-runtime/openai";
import { openTelemetry } from "@copilot-runtime/otel";

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
  actions: [
    {
      name: "sayHello",
      description: "Says hello to someone.",
      parameters: [{ name: "arg", type: "string", description: "The name of the person to say hello to.", required: true }],
      handler: async ({ arg }) => `Hello, ${arg}!`,
    },
  ],
  telemetry: openTelemetry(),
});
const serviceAdapter = new OpenAIAdapter({ openai: new OpenAI({ apiKey: "sk-bench", baseURL, maxRetries: 0 }), model: "gpt-4o" });
const server = createServer(copilotRuntimeNodeHttpEndpoint({ runtime: copilotRuntime, serviceAdapter, endpoint: "/api/copilotkit" }));
server.listen(0, "127.0.0.1", () =>
  process.send?.({ ready: true, port: server.address().port, path: "/api/copilotkit/agent/default/run" }),
);

// the benchmark asks for a collection before it reads memory after load
process.on("message", (message) => {
  if (message !== "gc") return;
  globalThis.gc?.();
  process.send?.({ heapUsedMiB: process.memoryUsage().heapUsed / 2 ** 20 });
});
