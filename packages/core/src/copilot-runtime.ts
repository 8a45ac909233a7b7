import { ConfigurationError, type AGUIEvent, type RequestContext, type ServiceAdapter } from "@copilot-runtime/protocol";
import type { AgentEntry } from "./agent.js";
import { AgentRegistry, agentNamed } from "./agent-registry.js";
import { builtInAgent } from "./builtin-agent.js";
import { createRequestHandler } from "./request-handler.js";
import { normalizeBasePath } from "./router.js";
import { parseRunAgentInput } from "./run-input.js";
import { RunSession } from "./run-session.js";
import {
  DEFAULT_AGENT_ID,
  resolveRuntimeOptions,
  type CloseOptions,
  type CopilotRuntimeOptions,
  type CopilotRuntimeRequest,
  type HandlerOptions,
  type RequestMeta,
  type RuntimeConfig,
} from "./runtime-options.js";

declare const __PACKAGE_VERSION__: string;
export const VERSION: string = typeof __PACKAGE_VERSION__ === "string" ? __PACKAGE_VERSION__ : "0.0.0-dev";

/** How long `close()` lets runs in flight go on by default. */
export const DEFAULT_SHUTDOWN_GRACE_MS = 10_000;
/** How long `close()` waits for runs it ended to save their conversations. */
const FORCED_END_MS = 5000;

/** Waits for `settled`, at most `ms`. */
async function settledWithin(settled: Promise<void>, ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([settled, new Promise<void>((resolve) => (timer = setTimeout(resolve, Math.max(0, ms))))]);
  clearTimeout(timer);
}

const NO_BUILT_IN: ReadonlyMap<string, AgentEntry> = new Map();

/**
 * The runtime: serves AG-UI agents over HTTP. Its HTTP surface is a WHATWG
 * fetch handler; framework bindings are thin wrappers around it. Each run is
 * a `RunSession` around an agent; the built-in agent runs the LLM + server
 * actions loop through a `ServiceAdapter`.
 */
export class CopilotRuntime<const T extends readonly unknown[] = readonly unknown[]> {
  private readonly config: RuntimeConfig;
  private readonly agentsByAdapter = new WeakMap<ServiceAdapter, AgentRegistry>();
  private remoteOnly: AgentRegistry | undefined;
  private closing: Promise<void> | undefined;

  // `T` types the inline actions' handlers; no member uses it, so any CopilotRuntime<T> is a CopilotRuntime.
  constructor(options: CopilotRuntimeOptions<T> = {}) {
    this.config = resolveRuntimeOptions(options);
  }

  /** A fetch handler serving `GET {base}/info`, `POST {base}/agent/{id}/run|connect|stop` and the single-route envelope `POST {base}`. */
  handler(options: HandlerOptions = {}): (request: Request, meta?: RequestMeta) => Promise<Response> {
    const agents = this.agents(options?.serviceAdapter, "handler()");
    return createRequestHandler({
      config: this.config,
      agents,
      defaultAgentId: DEFAULT_AGENT_ID,
      basePath: normalizeBasePath(options.basePath),
      version: VERSION,
    });
  }

  /** Answers one request, like CopilotKit's original `copilotKit.response(req, adapter)`. Routes match by suffix. */
  response(request: Request, serviceAdapter?: ServiceAdapter): Promise<Response> {
    return this.handler({ serviceAdapter })(request);
  }

  /**
   * Runs an agent for a `RunAgentInput` and yields its AG-UI events, without
   * HTTP and without the run store. Invalid input or a rejecting
   * `onBeforeRequest` throw before the first event; stopping the iteration aborts the run.
   */
  async *process(request: CopilotRuntimeRequest): AsyncGenerator<AGUIEvent> {
    const registry = this.agents(request?.serviceAdapter, "process()");
    const input = await parseRunAgentInput(request.input, this.config.limits);
    const agentId = request.agentId ?? DEFAULT_AGENT_ID;
    const properties = { ...this.config.properties };
    const agent = agentNamed(await registry.resolve({ properties }), agentId);
    const context: RequestContext = { state: {} };
    const session = await RunSession.open({
      agentId,
      agent,
      input,
      middleware: this.config.middleware,
      serverProperties: this.config.properties,
      stallMs: this.config.providerTimeoutMs,
      ...(this.config.telemetry ? { telemetry: this.config.telemetry } : {}),
      url: request.url,
      context,
      activeRuns: this.config.activeRuns,
      ...(request.signal ? { clientSignal: request.signal } : {}),
    });
    yield* session.events();
  }

  /**
   * Shuts down gracefully: new runs are refused (`503 shutting_down`), runs in flight may finish within
   * `graceMs` (default 10 s), the rest then end with `RUN_ERROR server_shutdown` (their conversations saved),
   * and the MCP connections and the run store are closed. Call it on SIGTERM, then close the HTTP server. Calling it again returns
   * the same promise.
   */
  close(options: CloseOptions = {}): Promise<void> {
    this.closing ??= this.shutDown(options.graceMs ?? DEFAULT_SHUTDOWN_GRACE_MS);
    return this.closing;
  }

  private async shutDown(graceMs: number): Promise<void> {
    const runs = this.config.activeRuns;
    runs.closing = true;
    await settledWithin(runs.settled(), graceMs);
    runs.shutDownAll();
    // an ended run saves its conversation before it leaves the registry; bounded, in case a store hangs
    await settledWithin(runs.settled(), FORCED_END_MS);
    await this.config.actions.close();
    await this.config.store.close?.();
  }

  /**
   * The agents served with a given adapter: the built-in agent as `default` when there is an adapter, and
   * the `agents` option's. Without an adapter there must be `agents`.
   */
  private agents(adapter: ServiceAdapter | undefined, where: string): AgentRegistry {
    if (adapter == null) {
      if (this.config.agents == null) {
        throw new ConfigurationError(`${where} needs a serviceAdapter (e.g. new OpenAIAdapter()), or the runtime needs \`agents\`.`);
      }
      this.remoteOnly ??= new AgentRegistry(NO_BUILT_IN, this.config.agents);
      if (this.remoteOnly.empty)
        throw new ConfigurationError(`${where} needs a serviceAdapter (e.g. new OpenAIAdapter()): \`agents\` is empty.`);
      return this.remoteOnly;
    }
    if (typeof adapter.stream !== "function") {
      throw new ConfigurationError(`${where} needs a serviceAdapter with a stream() method (e.g. new OpenAIAdapter()).`);
    }
    let agents = this.agentsByAdapter.get(adapter);
    if (agents === undefined) {
      const agent = builtInAgent({ adapter, actions: this.config.actions, maxSteps: this.config.maxSteps, version: VERSION });
      agents = new AgentRegistry(new Map([[DEFAULT_AGENT_ID, agent]]), this.config.agents);
      this.agentsByAdapter.set(adapter, agents);
    }
    return agents;
  }
}
