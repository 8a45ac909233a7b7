import type {
  AGUIEvent,
  AgentCapabilities,
  FinishReason,
  Identity,
  RequestContext,
  RunAgentInput,
  RunTelemetry,
  TokenUsage,
} from "@copilot-runtime/protocol";

/**
 * What a run session hands an agent for one run. Everything else about the
 * run (admission, the store, middleware, the terminal event) is the session's.
 */
export interface AgentRunContext {
  /**
   * Aborted by the session: the client went away, the run was stopped, the
   * agent went silent too long, or the server is shutting down. The agent then
   * ends promptly (returns or throws); the session writes the terminal event.
   */
  readonly signal: AbortSignal;
  /** Token usage of one model call; the session sums it into `RUN_FINISHED` and `onAfterRequest`. */
  addUsage(usage: TokenUsage): void;
  /** Why the model stopped on its latest call. */
  setFinishReason(reason: FinishReason): void;
  /** The stall watchdog: a run that goes silent for too long fails with `timeout`. */
  readonly watchdog: RunWatchdog;
  /** A failure that did not end the run (e.g. a server action that threw): reported to `onError`. */
  reportError(error: unknown): void;
  /** The run's telemetry, when the app turned it on (`telemetry` option): model calls and tool calls report to it. */
  readonly telemetry?: RunTelemetry;
}

/** What an agent tells the stall watchdog; every event it yields counts as a sign of life too. */
export interface RunWatchdog {
  /** A sign of life that yields no event (e.g. a usage report or an empty chunk from the provider). */
  touch(): void;
  /** Silence is expected from now on (e.g. server actions running): the watchdog waits. */
  pause(): void;
  /** Silence is a fault again. */
  resume(): void;
}

/**
 * An agent: AG-UI `RunAgentInput` and a run context in, AG-UI events out.
 * It may yield `RUN_STARTED` first and may end with `RUN_FINISHED` or
 * `RUN_ERROR`; where it does not, the session adds them. It throws to fail
 * the run. The built-in LLM + server-actions loop is one implementation;
 * remote AG-UI agents are another. It may yield its events in batches (arrays), e.g. everything one read of the
 * provider's answer produced.
 */
export interface RuntimeAgent {
  run(input: RunAgentInput, context: AgentRunContext): AsyncIterable<AGUIEvent | readonly AGUIEvent[]>;
}

/** What an agent is created from for one run (after `onBeforeRequest`). */
export interface AgentRequest {
  input: RunAgentInput;
  /** The run's properties: server properties, `forwardedProps`, middleware replacements, `identity`. */
  properties: Record<string, unknown>;
  url: string | undefined;
  identity?: Identity;
  request?: Request;
  context: RequestContext;
}

/** An agent the runtime serves under an id: described for `/info`, created fresh for every run. */
export interface AgentEntry {
  readonly description: string;
  readonly className: string;
  readonly capabilities?: AgentCapabilities;
  /** Capabilities the agent reports itself (AG-UI's `getCapabilities()`), asked for by `/info`. */
  loadCapabilities?(): Promise<AgentCapabilities | undefined>;
  /** The label used in stall messages, e.g. "The LLM". */
  readonly stallSubject?: string;
  /** The provider named in stall errors and usage, e.g. "openai". */
  readonly provider?: string;
  /** The model it calls, for telemetry. */
  readonly model?: string;
  /** Whether the agent runs elsewhere (a remote AG-UI agent), for telemetry. */
  readonly remote?: boolean;
  create(request: AgentRequest): RuntimeAgent | Promise<RuntimeAgent>;
}
