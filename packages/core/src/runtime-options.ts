import {
  ConfigurationError,
  isPlainObject,
  type CopilotRuntimeMiddleware,
  type CreateMCPClientFunction,
  type ErrorReport,
  type LangServeChainConfig,
  type MCPActionSourceOptions,
  type MCPOptions,
  type MCPServersOption,
  type RunAgentInput,
  type RuntimeTelemetry,
  type ServiceAdapter,
  type TypedActionDefinitions,
} from "@copilot-runtime/protocol";
import { ActionResolver, type ActionsContext } from "./action-resolver.js";
import { ActiveRuns } from "./active-runs.js";
import { checkAgentsOption } from "./agent-registry.js";
import type { AgentsOption } from "./agui-agent.js";
import { MiddlewareChain } from "./middleware-chain.js";
import { DEFAULT_INPUT_LIMITS, type InputLimits } from "./run-input.js";
import { MemoryRunStore, type RunStore } from "./run-store.js";

export const DEFAULT_AGENT_ID = "default";
export const DEFAULT_MAX_STEPS = 8;
export const DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024;
export const DEFAULT_PROVIDER_TIMEOUT_MS = 120_000;
export const DEFAULT_KEEP_ALIVE_MS = 15_000;

export type { ActionsContext };

/**
 * Server-side actions, or a function evaluated per request returning them.
 * `T` holds each action's `parameters`, inferred by `new CopilotRuntime(...)`
 * so that inline handlers get typed arguments; the default accepts any
 * `ActionDefinition`s.
 */
export type ActionsOption<T extends readonly unknown[] = readonly unknown[]> =
  TypedActionDefinitions<T> | ((context: ActionsContext) => TypedActionDefinitions<T> | Promise<TypedActionDefinitions<T>>);

export interface CopilotRuntimeOptions<T extends readonly unknown[] = readonly unknown[]> {
  /** Server-side actions, or a function evaluated per request. */
  actions?: ActionsOption<T>;
  /**
   * AG-UI agents served beside the built-in one, by id: `{ research: new HttpAgent({ url }) }`, or a function
   * of the request returning them (`({ request, properties }) => agents`), e.g. to pass the end user's
   * credentials as headers. Anything with AG-UI's `AbstractAgent` shape works (`HttpAgent`, `LangGraphAgent`,
   * …). Each is served at `/agent/{id}/…` with the runtime's middleware, threads, `connect` and `stop`;
   * `default` replaces the built-in agent. With agents, `serviceAdapter` is optional. Nothing of the incoming
   * request (headers, cookies, identity) is forwarded to an agent unless the function puts it there.
   */
  agents?: AgentsOption;
  /** Remote LangServe chains offered as server-side actions (needs `@copilot-runtime/langserve`). */
  langserve?: LangServeChainConfig[];
  /**
   * MCP servers whose tools are offered as server-side actions (needs `@copilot-runtime/mcp`): `[{ endpoint,
   * apiKey?, headers? }]` (stdio servers `{ command, args, env }` too), or a function of the request returning
   * HTTP servers, e.g. with the end user's token in `headers`. Endpoints never come from the client.
   */
  mcpServers?: MCPServersOption;
  /** CopilotKit's option: your own MCP client for each configured endpoint, instead of the official SDK's. */
  createMCPClient?: CreateMCPClientFunction;
  /** Timeouts, reconnection, the hosts the `mcpServers` function may return, tool progress. */
  mcpOptions?: MCPOptions;
  /** One middleware or several, applied in order. */
  middleware?: CopilotRuntimeMiddleware | CopilotRuntimeMiddleware[];
  /**
   * Server-side properties for every run. Precedence, lowest first: these,
   * then the client's `forwardedProps`, then what `onBeforeRequest` returns;
   * a verified `identity` (from an auth middleware) is set last and cannot be
   * overridden by the client.
   */
  properties?: Record<string, unknown>;
  /** LLM calls per run, server action round trips included. Default 8. */
  maxSteps?: number;
  /** Largest accepted request body in bytes. Default 4 MiB. */
  maxBodyBytes?: number;
  /** A run fails with `timeout` when the LLM's stream (or a remote agent) sends nothing for this long. Default 120 000 ms. */
  providerTimeoutMs?: number;
  /** Bounds on a run's input: messages (1000), tools (256), context items (256). */
  limits?: Partial<InputLimits>;
  /** Where threads are kept for `connect` and `stop`. Default: a bounded in-memory store. */
  runStore?: RunStore;
  /**
   * What happens to a run when its client goes away (closes the tab, loses the network). `"abort"` (the
   * default) aborts the LLM request and the running actions. `"continue"` lets the run go on to its end
   * (still bounded by `maxSteps` and the stall timeout); its frames are kept in the run store, so a reload
   * rejoins it live with `connect`. `stop` works in both modes.
   */
  onClientDisconnect?: ClientDisconnectPolicy;
  /**
   * A stream that sent nothing for this long gets a keep-alive comment (`: ping`), so that proxies with an idle
   * timeout (nginx and AWS ALB 60 s, Cloudflare 100 s) do not cut a run waiting on a slow action. Default
   * 15 000 ms; `0` turns it off.
   */
  keepAliveMs?: number;
  /** Called for every error: failed actions, failed runs, failing middleware. Never required. */
  onError?: (report: ErrorReport) => void;
  /**
   * Traces and metrics of every run, model call and tool call: `telemetry: openTelemetry()` from
   * `@copilot-runtime/otel`. Off by default; without it the runtime loads and runs no telemetry code.
   */
  telemetry?: RuntimeTelemetry;
}

export interface HandlerOptions {
  /** The LLM of the built-in `default` agent; optional when the runtime has `agents`. */
  serviceAdapter?: ServiceAdapter | undefined;
  /** Where the runtime is mounted, e.g. "/api/copilotkit". Without it, routes match by suffix. */
  basePath?: string;
}

/** What happens to a run when its client goes away. */
export type ClientDisconnectPolicy = "abort" | "continue";

export interface CloseOptions {
  /** How long runs in flight may go on before they are ended with `RUN_ERROR server_shutdown`. Default 10 000 ms. */
  graceMs?: number;
}

/** What a binding knows about the connection, beyond the `Request`. */
export interface RequestMeta {
  clientAddress?: string;
  /**
   * The caller writes a streamed answer from its SSE frames (`SSE_FRAME_SOURCE`), or reads its body only through the
   * public `body` getter and methods: the runtime then makes the web stream only if it is read. The Node binding says
   * so; a server that hands the `Response` to its platform (Bun, Deno, a Worker) must not.
   */
  readsFrames?: boolean;
}

/** A run request for programmatic use (no HTTP). */
export interface CopilotRuntimeRequest {
  /** An AG-UI `RunAgentInput`; validated like an HTTP body. */
  input: RunAgentInput | unknown;
  /** The LLM of the built-in `default` agent; optional when the runtime has `agents`. */
  serviceAdapter?: ServiceAdapter | undefined;
  agentId?: string;
  url?: string;
  signal?: AbortSignal;
}

/** The runtime's options, checked once and filled with defaults. */
export interface RuntimeConfig {
  actions: ActionResolver;
  agents: AgentsOption | undefined;
  middleware: MiddlewareChain;
  store: RunStore;
  properties: Record<string, unknown> | undefined;
  maxSteps: number;
  maxBodyBytes: number;
  limits: InputLimits;
  providerTimeoutMs: number;
  onClientDisconnect: ClientDisconnectPolicy;
  keepAliveMs: number;
  telemetry: RuntimeTelemetry | undefined;
  /** The runs in flight, for `close()`. */
  activeRuns: ActiveRuns;
}

function nonNegative(name: string, value: number | undefined, fallback: number): number {
  if (value == null) return fallback;
  if (!Number.isFinite(value) || value < 0)
    throw new ConfigurationError(`${name} must be a number of milliseconds (0 turns it off), got ${value}.`);
  return value;
}

function positiveInteger(name: string, value: number | undefined, fallback: number): number {
  if (value == null) return fallback;
  if (!Number.isInteger(value) || value < 1) throw new ConfigurationError(`${name} must be a positive integer, got ${value}.`);
  return value;
}

function mcpSourceOptions(options: CopilotRuntimeOptions, middleware: MiddlewareChain): MCPActionSourceOptions | undefined {
  if (options.mcpServers == null) return undefined;
  if (options.mcpOptions != null && !isPlainObject(options.mcpOptions))
    throw new ConfigurationError("`mcpOptions` must be a plain object.");
  return {
    ...options.mcpOptions,
    servers: options.mcpServers,
    ...(options.createMCPClient != null ? { createMCPClient: options.createMCPClient } : {}),
    onError: (error) => middleware.error({ error, source: "action" }),
  };
}

/** Checks the options; every mistake is a `ConfigurationError` naming the option. */
export function resolveRuntimeOptions(options: CopilotRuntimeOptions): RuntimeConfig {
  if (options == null || typeof options !== "object") throw new ConfigurationError("CopilotRuntime options must be an object.");
  if (options.properties != null && !isPlainObject(options.properties))
    throw new ConfigurationError("`properties` must be a plain object.");
  if (options.providerTimeoutMs != null && !(options.providerTimeoutMs > 0)) {
    throw new ConfigurationError("providerTimeoutMs must be a positive number of milliseconds.");
  }
  if (options.onClientDisconnect != null && options.onClientDisconnect !== "abort" && options.onClientDisconnect !== "continue") {
    throw new ConfigurationError(`onClientDisconnect must be "abort" or "continue", got ${JSON.stringify(options.onClientDisconnect)}.`);
  }
  if (options.runStore != null && typeof options.runStore.begin !== "function") {
    throw new ConfigurationError("`runStore` must implement RunStore (begin, frame, end, connect, stop).");
  }
  if (options.telemetry != null && typeof options.telemetry.startRun !== "function") {
    throw new ConfigurationError(
      "`telemetry` must implement RuntimeTelemetry (startRun), e.g. openTelemetry() from @copilot-runtime/otel.",
    );
  }
  checkAgentsOption(options.agents);
  const middleware = new MiddlewareChain(options.middleware, options.onError);
  const store: RunStore = options.runStore ?? new MemoryRunStore();
  store.reportErrorsTo?.((error) => middleware.error({ error, source: "store" }));
  return {
    actions: new ActionResolver(options.actions, options.langserve, mcpSourceOptions(options, middleware)),
    agents: options.agents,
    middleware,
    store,
    properties: options.properties,
    maxSteps: positiveInteger("maxSteps", options.maxSteps, DEFAULT_MAX_STEPS),
    maxBodyBytes: positiveInteger("maxBodyBytes", options.maxBodyBytes, DEFAULT_MAX_BODY_BYTES),
    limits: {
      maxMessages: positiveInteger("limits.maxMessages", options.limits?.maxMessages, DEFAULT_INPUT_LIMITS.maxMessages),
      maxTools: positiveInteger("limits.maxTools", options.limits?.maxTools, DEFAULT_INPUT_LIMITS.maxTools),
      maxContext: positiveInteger("limits.maxContext", options.limits?.maxContext, DEFAULT_INPUT_LIMITS.maxContext),
    },
    providerTimeoutMs: options.providerTimeoutMs ?? DEFAULT_PROVIDER_TIMEOUT_MS,
    onClientDisconnect: options.onClientDisconnect ?? "abort",
    keepAliveMs: nonNegative("keepAliveMs", options.keepAliveMs, DEFAULT_KEEP_ALIVE_MS),
    telemetry: options.telemetry ?? undefined,
    activeRuns: new ActiveRuns(),
  };
}
