import {
  ConfigurationError,
  EventType,
  encodeSSE,
  RequestError,
  isPlainObject,
  normalizeAction,
  type ActionDefinition,
  type ActionSource,
  type AdapterTool,
  type BaseEvent,
  type LangServeChainConfig,
  type Message,
  type NormalizedAction,
  type ObjectJSONSchema,
  type RunAgentInput,
  type RuntimeInfo,
  type ServiceAdapter,
  type SingleRouteEnvelope,
  type TypedActionDefinitions,
} from "@copilot-runtime/protocol";
import { errorResponse, eventStreamResponse, frameStreamResponse, jsonResponse } from "./http-response.js";
import type { CopilotRuntimeMiddleware, ErrorReport, RequestContext } from "@copilot-runtime/protocol";
import { MiddlewareChain } from "./middleware-chain.js";
import { loadLangServe } from "./langserve-loader.js";
import { readJsonBody } from "./request-body.js";
import { matchRoute, normalizeBasePath } from "./router.js";
import { DEFAULT_INPUT_LIMITS, modelParametersFrom, parseRunAgentInput, type InputLimits } from "./run-input.js";
import { runLoop, StoppedRun, tokenUsage, type RunRecord } from "./run-loop.js";
import { MemoryRunStore, type RunStore, type ThreadReplay } from "./run-store.js";

declare const __PACKAGE_VERSION__: string;
export const VERSION: string = typeof __PACKAGE_VERSION__ === "string" ? __PACKAGE_VERSION__ : "0.0.0-dev";

export const DEFAULT_AGENT_ID = "default";
export const DEFAULT_MAX_STEPS = 8;
export const DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024;
export const DEFAULT_PROVIDER_TIMEOUT_MS = 120_000;

export interface ActionsContext {
  properties: Record<string, unknown>;
  url: string | undefined;
}

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
  /** Remote LangServe chains offered as server-side actions (needs `@copilot-runtime/langserve`). */
  langserve?: LangServeChainConfig[];
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
  /** An LLM call fails with `timeout` when its stream sends nothing for this long. Default 120 000 ms. */
  providerTimeoutMs?: number;
  /** Bounds on a run's input: messages (1000), tools (256), context items (256). */
  limits?: Partial<InputLimits>;
  /** Where threads are kept for `connect` and `stop`. Default: a bounded in-memory store. */
  runStore?: RunStore;
  /** Called for every error: failed actions, failed runs, failing middleware. Never required. */
  onError?: (report: ErrorReport) => void;
}

export interface HandlerOptions {
  serviceAdapter: ServiceAdapter;
  /** Where the runtime is mounted, e.g. "/api/copilotkit". Without it, routes match by suffix. */
  basePath?: string;
}

/** What a binding knows about the connection, beyond the `Request`. */
export interface RequestMeta {
  clientAddress?: string;
}

/** A run request for programmatic use (no HTTP). */
export interface CopilotRuntimeRequest {
  /** An AG-UI `RunAgentInput`; validated like an HTTP body. */
  input: RunAgentInput | unknown;
  serviceAdapter: ServiceAdapter;
  agentId?: string;
  url?: string;
  signal?: AbortSignal;
}

interface PreparedRun {
  events: AsyncGenerator<BaseEvent>;
  abort: (reason?: unknown) => void;
  /** The conversation the run started from (after middleware). */
  inputMessages: Message[];
  record: RunRecord;
}

function validateMaxSteps(value: number | undefined): number {
  if (value == null) return DEFAULT_MAX_STEPS;
  if (!Number.isInteger(value) || value < 1) throw new ConfigurationError(`maxSteps must be a positive integer, got ${value}.`);
  return value;
}

const EMPTY_OBJECT_SCHEMA: ObjectJSONSchema = { type: "object", properties: {} };

/**
 * The runtime: validates requests, runs the LLM + server actions loop through
 * a `ServiceAdapter`, and streams AG-UI events. Its HTTP surface is a WHATWG
 * fetch handler; framework bindings are thin wrappers around it.
 */
export class CopilotRuntime<const T extends readonly unknown[] = readonly unknown[]> {
  private readonly options: CopilotRuntimeOptions;
  private readonly maxSteps: number;
  private readonly maxBodyBytes: number;
  private readonly limits: InputLimits;
  private readonly staticActions: NormalizedAction[] | undefined;
  private langserve: Promise<ActionSource> | undefined;
  private readonly middleware: MiddlewareChain;
  private readonly runStore: RunStore;

  constructor(options: CopilotRuntimeOptions<T> = {}) {
    this.options = options;
    this.middleware = new MiddlewareChain(options.middleware, options.onError);
    this.runStore = options.runStore ?? new MemoryRunStore();
    if (options.properties != null && !isPlainObject(options.properties))
      throw new ConfigurationError("`properties` must be a plain object.");
    this.maxSteps = validateMaxSteps(options.maxSteps);
    this.maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    this.limits = { ...DEFAULT_INPUT_LIMITS, ...options.limits };
    if (options.providerTimeoutMs != null && !(options.providerTimeoutMs > 0))
      throw new ConfigurationError("providerTimeoutMs must be a positive number of milliseconds.");
    if (options.actions != null && typeof options.actions !== "function" && !Array.isArray(options.actions)) {
      throw new ConfigurationError("`actions` must be an array of actions or a function returning one.");
    }
    this.staticActions = options.actions == null ? [] : Array.isArray(options.actions) ? normalizeActions(options.actions) : undefined;
    if (options.langserve != null && !Array.isArray(options.langserve)) {
      throw new ConfigurationError("`langserve` must be an array of { chainUrl, name, description } chains.");
    }
  }

  /** A fetch handler serving `GET {base}/info`, `POST {base}/agent/{id}/run` and the single-route envelope `POST {base}`. */
  handler(options: HandlerOptions): (request: Request, meta?: RequestMeta) => Promise<Response> {
    if (options?.serviceAdapter == null || typeof options.serviceAdapter.stream !== "function") {
      throw new ConfigurationError("handler() needs a serviceAdapter (e.g. new OpenAIAdapter()).");
    }
    const basePath = normalizeBasePath(options.basePath);
    return (request, meta) => this.handle(request, options.serviceAdapter, basePath, meta);
  }

  /** Answers one request (the seed's `copilotKit.response(req, new OpenAIAdapter())`). Routes match by suffix. */
  response(request: Request, serviceAdapter: ServiceAdapter): Promise<Response> {
    return this.handler({ serviceAdapter })(request);
  }

  /**
   * Runs the agent for a `RunAgentInput` and yields its AG-UI events.
   * Invalid input or a rejecting `onBeforeRequest` throw before the first event.
   */
  async *process(request: CopilotRuntimeRequest): AsyncGenerator<BaseEvent> {
    const input = await parseRunAgentInput(request.input, this.limits);
    this.assertAgent(request.agentId ?? DEFAULT_AGENT_ID);
    const run = await this.prepareRun(input, request.serviceAdapter, { url: request.url, signal: request.signal, context: { state: {} } });
    try {
      yield* run.events;
    } finally {
      run.abort();
    }
  }

  private async handle(incoming: Request, adapter: ServiceAdapter, basePath: string | undefined, meta?: RequestMeta): Promise<Response> {
    const context: RequestContext = { state: {}, ...(meta?.clientAddress !== undefined ? { clientAddress: meta.clientAddress } : {}) };
    let request = incoming;
    let path = "/";
    let response: Response;
    try {
      path = new URL(incoming.url).pathname;
      const admitted = await this.middleware.request({ request, path, context });
      if (admitted instanceof Response) response = admitted;
      else {
        request = admitted;
        response = await this.route(request, adapter, basePath, context);
      }
    } catch (error) {
      this.middleware.error({ error, source: "request", request, context });
      response = errorResponse(error);
    }
    return this.middleware.response({ request, path, context, response });
  }

  private async route(request: Request, adapter: ServiceAdapter, basePath: string | undefined, context: RequestContext): Promise<Response> {
    const route = matchRoute(request, basePath);
    switch (route.kind) {
      case "info":
        return jsonResponse(await this.info(request.url));
      case "run":
        this.assertAgent(route.agentId);
        return await this.runResponse(
          await parseRunAgentInput(await readJsonBody(request, this.maxBodyBytes), this.limits),
          adapter,
          request,
          context,
        );
      case "connect":
        this.assertAgent(route.agentId);
        return await this.connect(await readJsonBody(request, this.maxBodyBytes), context);
      case "stop":
        this.assertAgent(route.agentId);
        return await this.stop(route.threadId, context);
      case "envelope":
        return await this.handleEnvelope(await readJsonBody(request, this.maxBodyBytes), adapter, request, context);
      case "method_not_allowed":
        return errorResponse(
          new RequestError("method_not_allowed", `Method ${request.method} is not allowed here; use ${route.allow.join(", ")}.`, {
            status: 405,
          }),
          { allow: route.allow.join(", ") },
        );
      default:
        return errorResponse(
          new RequestError("not_found", `No route for ${request.method} ${new URL(request.url).pathname}.`, { status: 404 }),
        );
    }
  }

  private async handleEnvelope(body: unknown, adapter: ServiceAdapter, request: Request, context: RequestContext): Promise<Response> {
    if (!isPlainObject(body) || typeof body.method !== "string") {
      throw new RequestError(
        "invalid_request",
        'Invalid request: expected a single-route envelope { "method": "...", "params": {...}, "body": {...} }.',
      );
    }
    const envelope = body as unknown as SingleRouteEnvelope;
    const params = isPlainObject(envelope.params) ? envelope.params : {};
    const agentId = typeof params.agentId === "string" ? params.agentId : DEFAULT_AGENT_ID;
    switch (envelope.method) {
      case "info":
        return jsonResponse(await this.info(request.url));
      case "agent/run":
        this.assertAgent(agentId);
        return this.runResponse(await parseRunAgentInput(envelope.body, this.limits), adapter, request, context);
      case "agent/connect":
        this.assertAgent(agentId);
        return this.connect(envelope.body, context);
      case "agent/stop": {
        this.assertAgent(agentId);
        const threadId = typeof params.threadId === "string" ? params.threadId : undefined;
        if (threadId === undefined) throw new RequestError("invalid_request", "agent/stop needs params.threadId.");
        return this.stop(threadId, context);
      }
      default:
        throw new RequestError(
          "invalid_request",
          `Unknown method ${JSON.stringify(envelope.method)}; expected one of: info, agent/run, agent/connect, agent/stop.`,
        );
    }
  }

  private assertAgent(agentId: string): void {
    if (agentId !== DEFAULT_AGENT_ID) {
      throw new RequestError("unknown_agent", `Unknown agent ${JSON.stringify(agentId)}. Available agents: ${DEFAULT_AGENT_ID}.`);
    }
  }

  private async runResponse(input: RunAgentInput, adapter: ServiceAdapter, request: Request, context: RequestContext): Promise<Response> {
    const run = await this.prepareRun(input, adapter, { url: request.url, signal: request.signal, request, context });
    const threadKey = threadKeyOf(input.threadId, context);
    const store = this.runStore;
    const claimed = await store.begin({
      threadKey,
      runId: input.runId,
      messages: run.inputMessages,
      abort: () => run.abort(new StoppedRun()),
    });
    if (!claimed) {
      throw new RequestError(
        "run_in_progress",
        `A run is already in progress on thread ${JSON.stringify(input.threadId)}; wait for it to finish, or stop it (POST …/agent/default/stop/${input.threadId}).`,
        { status: 409 },
      );
    }
    let ended = false;
    const end = () => {
      if (ended) return;
      ended = true;
      void Promise.resolve(store.end(threadKey, input.runId, [...run.inputMessages, ...run.record.outputMessages])).catch(
        (error: unknown) => this.middleware.error({ error, source: "run", threadId: input.threadId, runId: input.runId, request, context }),
      );
    };
    async function* events(): AsyncGenerator<BaseEvent> {
      try {
        yield* run.events;
      } finally {
        end();
      }
    }
    return eventStreamResponse(
      events(),
      () => {
        run.abort();
        end();
      },
      (frame) => store.frame(threadKey, input.runId, frame),
    );
  }

  /** Rejoins a thread: its conversation as a snapshot, then the active run's events so far and as they come. */
  private async connect(body: unknown, context: RequestContext): Promise<Response> {
    const threadId = isPlainObject(body) && typeof body.threadId === "string" ? body.threadId : undefined;
    if (threadId === undefined) throw new RequestError("invalid_request", "connect needs a body with a threadId.");
    const replay = await this.runStore.connect(threadKeyOf(threadId, context));
    return frameStreamResponse(replayFrames(threadId, replay));
  }

  private async stop(threadId: string, context: RequestContext): Promise<Response> {
    const stopped = await this.runStore.stop(threadKeyOf(threadId, context));
    return jsonResponse(
      stopped ? { stopped: true } : { stopped: false, message: `No run is active on thread ${JSON.stringify(threadId)}.` },
    );
  }

  private async resolveActions(properties: Record<string, unknown>, url: string | undefined): Promise<NormalizedAction[]> {
    let actions = this.staticActions;
    if (actions === undefined) {
      const factory = this.options.actions as Extract<ActionsOption, (context: ActionsContext) => unknown>;
      const defined = await factory({ properties, url });
      if (!Array.isArray(defined)) throw new ConfigurationError("The `actions` function must return an array of actions.");
      actions = normalizeActions(defined);
    }
    const chains = this.options.langserve;
    if (chains == null || chains.length === 0) return actions;
    this.langserve ??= loadLangServe(chains);
    let source: ActionSource;
    try {
      source = await this.langserve;
    } catch (error) {
      this.langserve = undefined;
      throw error;
    }
    return uniqueNames([...actions, ...(await source.resolve()).map((definition) => normalizeAction(definition))]);
  }

  private async prepareRun(
    input: RunAgentInput,
    adapter: ServiceAdapter,
    http: { url: string | undefined; signal: AbortSignal | undefined; request?: Request; context: RequestContext },
  ): Promise<PreparedRun> {
    const { url, context } = http;
    const identity = context.identity;
    const withIdentity = (properties: Record<string, unknown>) => (identity ? { ...properties, identity } : properties);
    const hooked = await this.middleware.beforeRun({
      threadId: input.threadId,
      runId: input.runId,
      inputMessages: input.messages,
      properties: withIdentity({ ...this.options.properties, ...(isPlainObject(input.forwardedProps) ? input.forwardedProps : {}) }),
      url,
      ...(http.request ? { request: http.request } : {}),
      context,
    });
    const properties = withIdentity(hooked.properties);
    const parameters = modelParametersFrom(properties);
    const actions = await this.resolveActions(properties, url);

    const actionMap = new Map(actions.map((action) => [action.name, action]));
    const tools: AdapterTool[] = actions.map((action) => ({
      name: action.name,
      description: action.description,
      parameters: action.parameters,
    }));
    const frontendToolNames = new Set<string>();
    for (const tool of input.tools ?? []) {
      if (actionMap.has(tool.name) || frontendToolNames.has(tool.name)) continue; // a server action wins a name clash
      frontendToolNames.add(tool.name);
      const schema =
        isPlainObject(tool.parameters) && tool.parameters.type === "object"
          ? ({ properties: {}, ...tool.parameters } as ObjectJSONSchema)
          : EMPTY_OBJECT_SCHEMA;
      tools.push({ name: tool.name, description: tool.description, parameters: schema });
    }

    // One controller for the run; the request's signal (the client going away) aborts it too.
    // (Linked by hand: AbortSignal.any keeps its sources' dependants alive longer on Node 20.)
    const controller = new AbortController();
    const signal = controller.signal;
    const outer = http.signal;
    if (outer) {
      if (outer.aborted) controller.abort(outer.reason);
      else {
        const onOuterAbort = () => controller.abort(outer.reason);
        outer.addEventListener("abort", onOuterAbort, { once: true });
        signal.addEventListener("abort", () => outer.removeEventListener("abort", onOuterAbort), { once: true });
      }
    }
    const record: RunRecord = { outputMessages: [], usage: {} };
    const reportBase = { threadId: input.threadId, runId: input.runId, context, ...(http.request ? { request: http.request } : {}) };
    const loop = runLoop(
      {
        input: { ...input, messages: hooked.inputMessages },
        adapter,
        actions: actionMap,
        tools,
        frontendToolNames,
        parameters,
        properties,
        url,
        maxSteps: this.maxSteps,
        providerTimeoutMs: this.options.providerTimeoutMs ?? DEFAULT_PROVIDER_TIMEOUT_MS,
        signal,
        ...(identity ? { identity } : {}),
        onActionError: (error) => this.middleware.error({ error, source: "action", ...reportBase }),
      },
      record,
    );

    const startedAt = Date.now();
    let afterCalled = false;
    const afterRun = () => {
      if (afterCalled) return;
      afterCalled = true;
      if (record.error) this.middleware.error({ error: record.error.cause ?? record.error, source: "run", ...reportBase });
      const usage = tokenUsage(record.usage, adapter);
      void this.middleware.afterRun({
        ...hooked,
        properties,
        outputMessages: record.outputMessages,
        durationMs: Date.now() - startedAt,
        ...(usage ? { usage } : {}),
        ...(record.error ? { error: record.error } : {}),
      });
    };

    async function* events(): AsyncGenerator<BaseEvent> {
      try {
        yield* loop;
      } finally {
        if (!afterCalled && record.error === undefined && signal.aborted) {
          record.error = { code: "aborted", message: "The client went away before the run ended." };
        }
        afterRun();
      }
    }

    return {
      events: events(),
      abort: (reason?: unknown) => controller.abort(reason),
      inputMessages: hooked.inputMessages,
      record,
    };
  }

  private async info(url: string | undefined): Promise<RuntimeInfo> {
    let actions: NormalizedAction[] = [];
    try {
      actions = await this.resolveActions({}, url);
    } catch (error) {
      this.middleware.error({ error, source: "request" });
    }
    return {
      version: VERSION,
      agents: {
        [DEFAULT_AGENT_ID]: {
          name: DEFAULT_AGENT_ID,
          description: "The LLM with the runtime's server actions and the app's frontend tools.",
          className: "CopilotRuntime",
        },
      },
      actions: actions.map((action) => ({ name: action.name, description: action.description, parameters: action.parameters })),
      audioFileTranscriptionEnabled: false,
      mode: "sse",
      telemetryDisabled: true,
    };
  }
}

function normalizeActions(definitions: readonly ActionDefinition[]): NormalizedAction[] {
  return uniqueNames(definitions.map((definition) => normalizeAction(definition)));
}

function uniqueNames(actions: NormalizedAction[]): NormalizedAction[] {
  const seen = new Set<string>();
  for (const action of actions) {
    if (seen.has(action.name)) throw new ConfigurationError(`Two actions are named "${action.name}"; action names must be unique.`);
    seen.add(action.name);
  }
  return actions;
}

/** A thread's key in the run store: scoped to the caller when an identity is known. */
function threadKeyOf(threadId: string, context: RequestContext): string {
  return context.identity ? `${context.identity.id}\u0000${threadId}` : threadId;
}

/** The frames of a `connect`: the conversation as one snapshot run, then the active run (stored frames, then live ones). */
async function* replayFrames(threadId: string, replay: ThreadReplay | undefined): AsyncGenerator<string> {
  if (replay === undefined) return;
  if (replay.messages.length > 0) {
    const runId = `connect-${crypto.randomUUID()}`;
    yield encodeSSE({ type: EventType.RUN_STARTED, threadId, runId } as BaseEvent);
    yield encodeSSE({ type: EventType.MESSAGES_SNAPSHOT, messages: replay.messages } as BaseEvent);
    yield encodeSSE({ type: EventType.RUN_FINISHED, threadId, runId } as BaseEvent);
  }
  if (replay.active) {
    yield* replay.active.frames;
    yield* replay.active.live;
  }
}
