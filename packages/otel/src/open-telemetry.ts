import {
  context as otelContext,
  metrics,
  propagation,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Histogram,
  type Meter,
  type MeterProvider,
  type Span,
  type TextMapGetter,
  type Tracer,
  type TracerProvider,
} from "@opentelemetry/api";
import type {
  ChatTelemetry,
  RunTelemetry,
  RuntimeTelemetry,
  TelemetryChat,
  TelemetryChatEnd,
  TelemetryRun,
  TelemetryRunEnd,
  TelemetryTool,
  TelemetryToolEnd,
  ToolTelemetry,
  Usage,
} from "@copilot-runtime/protocol";
import { ATTR, DURATION_BUCKETS, METRIC, TOKEN_BUCKETS, providerName } from "./gen-ai-attributes.js";
import { conventionAnswer, conventionMessages } from "./message-content.js";

export interface OpenTelemetryOptions {
  /** Where spans go; default: the provider the app registered (`trace.getTracerProvider()`). */
  tracerProvider?: TracerProvider;
  /** Where metrics go; default: the provider the app registered (`metrics.getMeterProvider()`). */
  meterProvider?: MeterProvider;
  /**
   * Record message contents, tool arguments and tool results on the spans (`gen_ai.input.messages`,
   * `gen_ai.output.messages`, `gen_ai.tool.call.arguments`, `gen_ai.tool.call.result`). Off by default: they hold
   * your users' data.
   */
  recordContent?: boolean;
}

const SCOPE = "@copilot-runtime/otel";

const headerGetter: TextMapGetter<Headers> = {
  keys: (headers) => [...headers.keys()],
  get: (headers, key) => headers.get(key) ?? undefined,
};

/** The trace context of `ctx` as HTTP headers (`traceparent`, `tracestate`), by the propagator the app registered. */
function traceHeaders(ctx: Context): Record<string, string> {
  const headers: Record<string, string> = {};
  propagation.inject(ctx, headers);
  return headers;
}

function errorMessage(error: unknown, code: string | undefined): string {
  if (error instanceof Error && error.message !== "") return error.message;
  return code ?? "error";
}

/** A failure on a span: status, `error.type` (our stable code) and the exception event. */
function recordFailure(span: Span, code: string | undefined, error: unknown): void {
  const type = code ?? (error instanceof Error ? error.name : "error");
  span.setAttribute(ATTR.errorType, type);
  if (code !== undefined) span.setAttribute(ATTR.errorCode, code);
  if (error instanceof Error) span.recordException(error);
  span.setStatus({ code: SpanStatusCode.ERROR, message: errorMessage(error, code) });
}

function usageAttributes(usage: Usage | undefined): Attributes {
  const attributes: Attributes = {};
  if (usage?.inputTokens != null) attributes[ATTR.usageInputTokens] = usage.inputTokens;
  if (usage?.outputTokens != null) attributes[ATTR.usageOutputTokens] = usage.outputTokens;
  return attributes;
}

interface Instruments {
  tokenUsage: Histogram;
  duration: Histogram;
  runsStarted: ReturnType<Meter["createCounter"]>;
  runsFailed: ReturnType<Meter["createCounter"]>;
  runsActive: ReturnType<Meter["createUpDownCounter"]>;
}

function instruments(meter: Meter): Instruments {
  return {
    tokenUsage: meter.createHistogram(METRIC.tokenUsage, {
      description: "Number of input and output tokens used.",
      unit: "{token}",
      advice: { explicitBucketBoundaries: TOKEN_BUCKETS },
    }),
    duration: meter.createHistogram(METRIC.operationDuration, {
      description: "GenAI operation duration.",
      unit: "s",
      advice: { explicitBucketBoundaries: DURATION_BUCKETS },
    }),
    runsStarted: meter.createCounter(METRIC.runsStarted, { description: "Runs started.", unit: "{run}" }),
    runsFailed: meter.createCounter(METRIC.runsFailed, { description: "Runs that ended in an error.", unit: "{run}" }),
    runsActive: meter.createUpDownCounter(METRIC.runsActive, { description: "Runs in flight.", unit: "{run}" }),
  };
}

/**
 * Traces and metrics of Copilot Runtime on OpenTelemetry, per the GenAI semantic conventions:
 *
 *   new CopilotRuntime({ serviceAdapter, telemetry: openTelemetry() })
 *
 * One span per run (`invoke_agent {agent}`), per model call (`chat {model}`) and per tool call run on the server
 * (`execute_tool {name}`: server actions, LangServe chains, MCP tools), the `gen_ai.client.*` histograms and run
 * counters. It uses the tracer and meter providers the app registered (or those given) and sends nothing anywhere
 * itself. The incoming `traceparent` continues the caller's trace; model calls and tool calls send theirs on.
 */
export function openTelemetry(options: OpenTelemetryOptions = {}): RuntimeTelemetry {
  const tracer = (options.tracerProvider ?? trace.getTracerProvider()).getTracer(SCOPE);
  const meter = (options.meterProvider ?? metrics.getMeterProvider()).getMeter(SCOPE);
  const recordContent = options.recordContent === true;
  const metered = instruments(meter);
  return {
    startRun: (run) => new OtelRun(tracer, metered, recordContent, run),
  };
}

class OtelRun implements RunTelemetry {
  private readonly span: Span;
  private readonly context: Context;
  private readonly startedAt = performance.now();
  private readonly runAttributes: Attributes;

  constructor(
    private readonly tracer: Tracer,
    private readonly metered: Instruments,
    private readonly recordContent: boolean,
    private readonly run: TelemetryRun,
  ) {
    const active = otelContext.active();
    const parent = run.headers !== undefined ? propagation.extract(active, run.headers, headerGetter) : active;
    this.runAttributes = { [ATTR.agentId]: run.agentId };
    const attributes: Attributes = {
      [ATTR.operationName]: "invoke_agent",
      [ATTR.agentId]: run.agentId,
      [ATTR.agentName]: run.agentName,
      [ATTR.agentRemote]: run.remote,
      [ATTR.conversationId]: run.threadId,
      [ATTR.threadId]: run.threadId,
      [ATTR.runId]: run.runId,
    };
    if (run.provider !== undefined) attributes[ATTR.providerName] = providerName(run.provider);
    if (run.model !== undefined) attributes[ATTR.requestModel] = run.model;
    if (recordContent) attributes[ATTR.inputMessages] = conventionMessages(run.inputMessages);
    // a remote agent is called over the network (CLIENT); the built-in agent runs here (INTERNAL)
    const kind = run.remote ? SpanKind.CLIENT : SpanKind.INTERNAL;
    this.span = tracer.startSpan(`invoke_agent ${run.agentId}`, { kind, attributes }, parent);
    this.context = trace.setSpan(parent, this.span);
    this.metered.runsStarted.add(1, this.runAttributes);
    this.metered.runsActive.add(1, this.runAttributes);
  }

  get headers(): Readonly<Record<string, string>> {
    return traceHeaders(this.context);
  }

  startChat(call: TelemetryChat): ChatTelemetry {
    return new OtelChat(this.tracer, this.metered, this.recordContent, this.context, call);
  }

  startTool(tool: TelemetryTool): ToolTelemetry {
    return new OtelTool(this.tracer, this.recordContent, this.context, tool);
  }

  end(result: TelemetryRunEnd): void {
    const span = this.span;
    span.setAttributes(usageAttributes(result.usage));
    span.setAttribute(ATTR.runOutcome, result.outcome);
    if (result.finishReason !== undefined) span.setAttribute(ATTR.responseFinishReasons, [result.finishReason]);
    if (this.recordContent) span.setAttribute(ATTR.outputMessages, conventionMessages(result.outputMessages));
    if (result.outcome === "error") {
      recordFailure(span, result.errorCode, result.error);
      this.metered.runsFailed.add(1, { ...this.runAttributes, [ATTR.errorType]: result.errorCode ?? "error" });
    } else if (result.outcome === "cancelled" && result.errorCode !== undefined) {
      // stopped or left by its client: not a failure of the server's
      span.setAttribute(ATTR.errorCode, result.errorCode);
    }
    this.metered.runsActive.add(-1, this.runAttributes);
    const seconds = (performance.now() - this.startedAt) / 1000;
    const metricAttributes: Attributes = { [ATTR.operationName]: "invoke_agent", ...this.runAttributes };
    if (this.run.provider !== undefined) metricAttributes[ATTR.providerName] = providerName(this.run.provider);
    if (result.outcome === "error") metricAttributes[ATTR.errorType] = result.errorCode ?? "error";
    this.metered.duration.record(seconds, metricAttributes);
    span.end();
  }
}

class OtelChat implements ChatTelemetry {
  private readonly span: Span;
  private readonly context: Context;
  private readonly startedAt = performance.now();
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    tracer: Tracer,
    private readonly metered: Instruments,
    private readonly recordContent: boolean,
    parent: Context,
    private readonly call: TelemetryChat,
  ) {
    const { parameters } = call;
    const attributes: Attributes = {
      [ATTR.operationName]: "chat",
      [ATTR.providerName]: providerName(call.provider),
      [ATTR.requestModel]: call.model,
    };
    if (parameters.temperature != null) attributes[ATTR.requestTemperature] = parameters.temperature;
    if (parameters.maxTokens != null) attributes[ATTR.requestMaxTokens] = parameters.maxTokens;
    if (parameters.topP != null) attributes[ATTR.requestTopP] = parameters.topP;
    if (parameters.stop != null) attributes[ATTR.requestStopSequences] = parameters.stop;
    if (recordContent) attributes[ATTR.inputMessages] = conventionMessages(call.messages);
    this.span = tracer.startSpan(`chat ${call.model}`, { kind: SpanKind.CLIENT, attributes }, parent);
    this.context = trace.setSpan(parent, this.span);
    this.headers = traceHeaders(this.context);
  }

  end(result: TelemetryChatEnd): void {
    const span = this.span;
    if (result.responseModel !== undefined) span.setAttribute(ATTR.responseModel, result.responseModel);
    if (result.responseId !== undefined) span.setAttribute(ATTR.responseId, result.responseId);
    if (result.finishReason !== undefined) span.setAttribute(ATTR.responseFinishReasons, [result.finishReason]);
    span.setAttributes(usageAttributes(result.usage));
    if (this.recordContent && result.errorCode === undefined)
      span.setAttribute(ATTR.outputMessages, conventionAnswer(result.outputText, result.toolCalls ?? []));
    if (result.errorCode !== undefined || result.error !== undefined) recordFailure(span, result.errorCode, result.error);

    const attributes: Attributes = {
      [ATTR.operationName]: "chat",
      [ATTR.providerName]: providerName(this.call.provider),
      [ATTR.requestModel]: this.call.model,
    };
    if (result.responseModel !== undefined) attributes[ATTR.responseModel] = result.responseModel;
    if (result.usage?.inputTokens != null)
      this.metered.tokenUsage.record(result.usage.inputTokens, { ...attributes, [ATTR.tokenType]: "input" });
    if (result.usage?.outputTokens != null)
      this.metered.tokenUsage.record(result.usage.outputTokens, { ...attributes, [ATTR.tokenType]: "output" });
    if (result.errorCode !== undefined) attributes[ATTR.errorType] = result.errorCode;
    this.metered.duration.record((performance.now() - this.startedAt) / 1000, attributes);
    span.end();
  }
}

class OtelTool implements ToolTelemetry {
  private readonly span: Span;
  private readonly context: Context;
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    tracer: Tracer,
    private readonly recordContent: boolean,
    parent: Context,
    tool: TelemetryTool,
  ) {
    const attributes: Attributes = {
      [ATTR.operationName]: "execute_tool",
      [ATTR.toolName]: tool.name,
      [ATTR.toolCallId]: tool.callId,
      [ATTR.toolType]: tool.kind === "mcp" || tool.kind === "langserve" ? "extension" : "function",
      [ATTR.toolKind]: tool.kind,
    };
    if (tool.description !== undefined && tool.description !== "") attributes[ATTR.toolDescription] = tool.description;
    if (recordContent) attributes[ATTR.toolCallArguments] = tool.arguments;
    this.span = tracer.startSpan(`execute_tool ${tool.name}`, { kind: SpanKind.INTERNAL, attributes }, parent);
    this.context = trace.setSpan(parent, this.span);
    this.headers = traceHeaders(this.context);
  }

  run<T>(fn: () => T): T {
    return otelContext.with(this.context, fn);
  }

  end(result: TelemetryToolEnd): void {
    if (this.recordContent && result.result !== undefined) this.span.setAttribute(ATTR.toolCallResult, result.result);
    if (result.errorCode !== undefined || result.error !== undefined) recordFailure(this.span, result.errorCode, result.error);
    this.span.end();
  }
}
