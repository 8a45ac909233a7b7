#!/usr/bin/env node
// `pnpm --filter @copilot-runtime/otel trace:screenshot`: a real trace, exported the way the README sets it up,
// rendered and photographed. It starts an OTLP/HTTP receiver on 127.0.0.1 (a stand-in for Jaeger or an OTel
// Collector, which this machine does not have: it accepts what they accept, /v1/traces and /v1/metrics as OTLP JSON),
// registers the README's NodeTracerProvider + OTLPTraceExporter and MeterProvider + OTLPMetricExporter pointed at it,
// and runs one conversation through Copilot Runtime (OpenAIAdapter on the fake OpenAI server, a server action, the real
// @ag-ui/client). The spans the receiver got are drawn as a waterfall and Chromium photographs it (docs/trace.png).
// Needs /usr/bin/chromium (apt-get install -y chromium).
import { mkdirSync } from "node:fs";
import { createServer } from "node:http";
import { HttpAgent } from "@ag-ui/client";
import { metrics, trace } from "@opentelemetry/api";
import { OTLPMetricExporter } from "@opentelemetry/exporter-metrics-otlp-http";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { MeterProvider, PeriodicExportingMetricReader } from "@opentelemetry/sdk-metrics";
import { BatchSpanProcessor, NodeTracerProvider } from "@opentelemetry/sdk-trace-node";
import OpenAI from "openai";
import { chromium } from "playwright-core";
import { CopilotRuntime } from "@copilot-runtime/core";
import { copilotRuntimeNodeHttpEndpoint } from "@copilot-runtime/node";
import { OpenAIAdapter } from "@copilot-runtime/openai";
import { createFakeOpenAI, textAnswer, toolCallAnswer } from "@copilot-runtime/testing";
import { openTelemetry } from "../dist/index.js";

const docs = new URL("../docs/", import.meta.url);
mkdirSync(docs, { recursive: true });

// 1. The receiver: OTLP/HTTP JSON, as a collector takes it.
const received = { spans: [], metricNames: new Set() };
const receiver = createServer((request, response) => {
  const chunks = [];
  request.on("data", (chunk) => chunks.push(chunk));
  request.on("end", () => {
    const body = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}");
    if (request.url === "/v1/traces") {
      for (const resource of body.resourceSpans ?? [])
        for (const scope of resource.scopeSpans ?? []) for (const span of scope.spans ?? []) received.spans.push(span);
    } else if (request.url === "/v1/metrics") {
      for (const resource of body.resourceMetrics ?? [])
        for (const scope of resource.scopeMetrics ?? []) for (const metric of scope.metrics ?? []) received.metricNames.add(metric.name);
    }
    response.writeHead(200, { "content-type": "application/json" }).end("{}");
  });
});
await new Promise((resolve) => receiver.listen(0, "127.0.0.1", resolve));
const collector = `http://127.0.0.1:${receiver.address().port}`;

// 2. The README's setup, pointed at the receiver.
const resource = resourceFromAttributes({ "service.name": "copilot-runtime-demo" });
const tracerProvider = new NodeTracerProvider({
  resource,
  spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: `${collector}/v1/traces` }))],
});
tracerProvider.register();
const meterProvider = new MeterProvider({
  resource,
  readers: [new PeriodicExportingMetricReader({ exporter: new OTLPMetricExporter({ url: `${collector}/v1/metrics` }) })],
});
metrics.setGlobalMeterProvider(meterProvider);

// 3. One conversation: the model calls a server action, then answers.
const llm = await createFakeOpenAI();
llm.enqueue(toolCallAnswer([{ id: "call_weather", name: "getWeather", arguments: { city: "Lisbon" } }], { delayMs: 8 }));
llm.enqueue(textAnswer("It is 21 °C and sunny in Lisbon: a fine day for a walk by the river.", { delayMs: 6 }));
const copilotRuntime = new CopilotRuntime({
  actions: [
    {
      name: "getWeather",
      description: "The current weather of a city.",
      parameters: [{ name: "city", type: "string", required: true }],
      handler: async ({ city }) => {
        // the app's own span, nested under execute_tool
        const span = trace.getTracer("weather-service").startSpan("GET api.weather.example/current");
        await new Promise((resolve) => setTimeout(resolve, 35));
        span.end();
        return { city, temperatureC: 21, sky: "sunny" };
      },
    },
  ],
  telemetry: openTelemetry(),
});
const serviceAdapter = new OpenAIAdapter({
  openai: new OpenAI({ apiKey: "sk-demo", baseURL: llm.baseURL, maxRetries: 0 }),
  model: "gpt-4o",
});
const server = createServer(copilotRuntimeNodeHttpEndpoint({ runtime: copilotRuntime, serviceAdapter, endpoint: "/api/copilotkit" }));
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const agent = new HttpAgent({ url: `http://127.0.0.1:${server.address().port}/api/copilotkit/agent/default/run` });
agent.messages.push({ id: "u1", role: "user", content: "What's the weather in Lisbon?" });
await agent.runAgent();

await tracerProvider.forceFlush();
await meterProvider.forceFlush();
await Promise.all([tracerProvider.shutdown(), meterProvider.shutdown()]);
server.close();
await llm.close();
receiver.close();

// 4. The waterfall.
const spans = received.spans.map((span) => ({
  id: span.spanId,
  parent: span.parentSpanId || undefined,
  name: span.name,
  start: Number(BigInt(span.startTimeUnixNano) / 1000n) / 1000,
  end: Number(BigInt(span.endTimeUnixNano) / 1000n) / 1000,
  attributes: Object.fromEntries(
    (span.attributes ?? []).map(({ key, value }) => [
      key,
      value.stringValue ??
        value.intValue ??
        value.doubleValue ??
        value.boolValue ??
        JSON.stringify(value.arrayValue?.values?.map((v) => v.stringValue)),
    ]),
  ),
  error: span.status?.code === 2,
}));
if (!spans.some((span) => span.name === "invoke_agent default"))
  throw new Error(`no invoke_agent span received: ${spans.map((s) => s.name)}`);
for (const name of ["gen_ai.client.token.usage", "gen_ai.client.operation.duration", "copilot_runtime.runs.started"])
  if (!received.metricNames.has(name)) throw new Error(`metric ${name} not received (got ${[...received.metricNames].join(", ")})`);
const ids = new Set(spans.map((span) => span.id));
const depth = (span) => (span.parent !== undefined && ids.has(span.parent) ? 1 + depth(spans.find((s) => s.id === span.parent)) : 0);
const ordered = [];
const visit = (parent) =>
  spans
    .filter((span) => (parent === undefined ? span.parent === undefined || !ids.has(span.parent) : span.parent === parent))
    .toSorted((a, b) => a.start - b.start)
    .forEach((span) => {
      ordered.push(span);
      visit(span.id);
    });
visit(undefined);
const t0 = Math.min(...spans.map((span) => span.start));
const total = Math.max(...spans.map((span) => span.end)) - t0;
const SHOWN = [
  "gen_ai.provider.name",
  "gen_ai.request.model",
  "gen_ai.response.model",
  "gen_ai.usage.input_tokens",
  "gen_ai.usage.output_tokens",
  "gen_ai.response.finish_reasons",
  "gen_ai.tool.name",
  "gen_ai.tool.call.id",
  "copilot_runtime.tool.kind",
  "gen_ai.conversation.id",
  "copilot_runtime.run.outcome",
];
const escape = (text) => String(text).replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
const rows = ordered
  .map((span) => {
    const left = ((span.start - t0) / total) * 100;
    const width = Math.max(((span.end - span.start) / total) * 100, 0.4);
    const tags = SHOWN.filter((key) => span.attributes[key] !== undefined)
      .map((key) => `<span class="tag">${escape(key)}=<b>${escape(span.attributes[key])}</b></span>`)
      .join(" ");
    const indent = depth(span) * 18 + 8;
    return `<div class="row"><div class="name" style="padding-left:${indent}px">${escape(span.name)}<div class="tags">${tags}</div></div>
<div class="lane"><div class="bar ${span.error ? "error" : ""} d${Math.min(depth(span), 3)}" style="left:${left}%;width:${width}%"></div>
<div class="ms" style="left:calc(${left + width}% + 6px)">${(span.end - span.start).toFixed(1)} ms</div></div></div>`;
  })
  .join("\n");
const html = `<!doctype html><meta charset="utf-8"><title>Copilot Runtime trace</title>
<style>
body{font:13px/1.4 system-ui,sans-serif;margin:0;background:#fff;color:#1f2328;width:1280px}
h1{font-size:16px;margin:14px 16px 2px} p{margin:0 16px 12px;color:#59636e}
.row{display:flex;border-top:1px solid #eaeef2;min-height:46px} .name{width:560px;padding:6px 8px;box-sizing:border-box;font-weight:600}
.tags{font-weight:400;font-size:11px;color:#59636e;margin-top:2px} .tag{margin-right:6px} .tag b{color:#1f2328;font-weight:500}
.lane{position:relative;flex:1;margin-right:90px} .bar{position:absolute;top:14px;height:16px;border-radius:3px}
.d0{background:#5b8def}.d1{background:#41b883}.d2{background:#f0a04b}.d3{background:#b57edc}.error{background:#d64545}
.ms{position:absolute;top:13px;font-size:11px;color:#59636e;white-space:nowrap}
</style>
<h1>Trace ${escape(received.spans[0]?.traceId ?? "")} · service copilot-runtime-demo · ${total.toFixed(1)} ms</h1>
<p>Exported by <code>@opentelemetry/exporter-trace-otlp-http</code> to a local OTLP/HTTP receiver,
drawn from the received spans (${spans.length}).</p>
${rows}`;
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu"],
});
const page = await browser.newPage({ viewport: { width: 1280, height: 200 }, deviceScaleFactor: 1 });
await page.setContent(html);
await page.screenshot({ path: new URL("trace.png", docs).pathname, fullPage: true });
await browser.close();
console.log(`trace.png: ${spans.length} spans, metrics ${[...received.metricNames].join(", ")}`);
