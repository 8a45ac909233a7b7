import type { Message } from "@ag-ui/core";
import type { Identity } from "./action.js";
import type { AdapterTool, FinishReason, ModelParameters, Usage } from "./service-adapter.js";

/**
 * What the runtime reports while it works, for tracing and metrics (`@copilot-runtime/otel` implements it on
 * OpenTelemetry). The runtime calls it only when an app passes `telemetry`; without it nothing here runs.
 * Every method must be cheap and must not throw: the runtime does not guard against a throwing implementation.
 */
export interface RuntimeTelemetry {
  /** A run starts streaming. */
  startRun(run: TelemetryRun): RunTelemetry;
}

export interface TelemetryRun {
  /** The id the agent is served under (`default` for the built-in agent). */
  agentId: string;
  /** What the agent is, e.g. `BuiltInAgent` or the remote agent's class. */
  agentName: string;
  /** Whether the agent runs in this process (the built-in agent) or elsewhere (a remote AG-UI agent). */
  remote: boolean;
  threadId: string;
  runId: string;
  /** The provider and model of the built-in agent's adapter. */
  provider?: string;
  model?: string;
  /** The incoming request's headers (`traceparent` continues the caller's trace). */
  headers?: Headers;
  identity?: Identity;
  inputMessages: readonly Message[];
}

/** How a run ended. */
export interface TelemetryRunEnd {
  outcome: "success" | "error" | "cancelled";
  /** A failure's stable code (`provider_auth`, `timeout`, …) and the error itself. */
  errorCode?: string;
  error?: unknown;
  usage?: Usage;
  finishReason?: FinishReason;
  outputMessages: readonly Message[];
}

/** One run's telemetry: the model calls and tool calls it makes, and its end. */
export interface RunTelemetry {
  /** Headers that carry the run's trace context to a remote agent (`traceparent`, `tracestate`). */
  readonly headers: Readonly<Record<string, string>>;
  startChat(call: TelemetryChat): ChatTelemetry;
  startTool(tool: TelemetryTool): ToolTelemetry;
  end(result: TelemetryRunEnd): void;
}

export interface TelemetryChat {
  provider: string;
  model: string;
  parameters: ModelParameters;
  messages: readonly Message[];
  tools: readonly AdapterTool[];
}

export interface TelemetryChatEnd {
  usage?: Usage;
  finishReason?: FinishReason;
  /** What the provider said it is (`response-metadata`), when it said. */
  responseModel?: string;
  responseId?: string;
  /** The answer: text, and tool calls as `name(args)`, for apps that record contents. */
  outputText?: string;
  toolCalls?: readonly { id: string; name: string; arguments: string }[];
  errorCode?: string;
  error?: unknown;
}

/** One model call. */
export interface ChatTelemetry {
  /** Headers that carry this call's trace context to the provider (`traceparent`, `tracestate`). */
  readonly headers: Readonly<Record<string, string>>;
  end(result: TelemetryChatEnd): void;
}

export interface TelemetryTool {
  name: string;
  callId: string;
  /** What runs it: a server action, an MCP server's tool, a LangServe chain, or a remote agent. */
  kind: "action" | "mcp" | "langserve" | "agent";
  description?: string;
  arguments: string;
}

export interface TelemetryToolEnd {
  /** The result the model sees. */
  result?: string;
  errorCode?: string;
  error?: unknown;
}

/** One tool call run on the server. */
export interface ToolTelemetry {
  /** Headers that carry this call's trace context to the server it calls (LangServe, MCP, a remote agent). */
  readonly headers: Readonly<Record<string, string>>;
  /** Runs `fn` with this call's span as the active context, so the handler's own spans and calls nest under it. */
  run<T>(fn: () => T): T;
  end(result: TelemetryToolEnd): void;
}
