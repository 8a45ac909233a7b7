import {
  CopilotRuntimeError,
  EventType,
  RequestError,
  aggregateTokenUsage,
  encodeSSE,
  isAbortError,
  isPlainObject,
  type AGUIEvent,
  type FinishReason,
  type Message,
  type OnBeforeRequestOptions,
  type RequestContext,
  type RunAgentInput,
  type RunFailure,
  type RunFinishedEvent,
  type RunTelemetry,
  type RuntimeTelemetry,
  type TokenUsage,
} from "@copilot-runtime/protocol";
import type { ActiveRuns } from "./active-runs.js";
import type { AgentEntry, AgentRunContext, RuntimeAgent } from "./agent.js";
import type { MiddlewareChain } from "./middleware-chain.js";
import { ClientGone, ServerShutdown, StallTimeout, StoppedRun, isRunAbortReason, runFailure, type RunAbortReason } from "./run-aborts.js";
import type { RunStore } from "./run-store.js";
import { RunTranscript } from "./run-transcript.js";
import { StallWatchdog } from "./stall-watchdog.js";
import { threadKeyOf } from "./thread-key.js";

export interface RunSessionOptions {
  agentId: string;
  agent: AgentEntry;
  /** The validated input. */
  input: RunAgentInput;
  middleware: MiddlewareChain;
  /** The runtime's own `properties`, under the client's `forwardedProps`. */
  serverProperties: Record<string, unknown> | undefined;
  /** The run fails with `timeout` when the agent sends nothing for this long (ms). */
  stallMs: number;
  url: string | undefined;
  request?: Request;
  context: RequestContext;
  /** Where the thread is claimed, its frames kept and its conversation saved; absent for `runtime.process`. */
  store?: RunStore;
  /** Aborts the run when it aborts (the client went away). */
  clientSignal?: AbortSignal;
  /** The runtime's runs in flight, for a graceful shutdown. */
  activeRuns?: ActiveRuns;
  /** Where the run, its model calls and tool calls are reported (the `telemetry` option). */
  telemetry?: RuntimeTelemetry;
}

/** Finish reasons that tell the client its answer was cut short; they travel in `RUN_FINISHED.result`. */
const UNUSUAL_FINISH = new Set<FinishReason>(["length", "content_filter", "error", "other"]);

type State = "ready" | "running" | "ended";

const FINISH_REASONS = new Set<string>(["stop", "length", "tool_calls", "content_filter", "error", "other"]);

/** A finish reason an agent put into its `RUN_FINISHED.result` (`{ finishReason }`), the way the built-in agent reports one. */
function reportedFinishReason(result: unknown): FinishReason | undefined {
  const reason = isPlainObject(result) ? result.finishReason : undefined;
  return typeof reason === "string" && FINISH_REASONS.has(reason) ? (reason as FinishReason) : undefined;
}

/** The answer to a run while the runtime shuts down. */
export function shuttingDown(): RequestError {
  return new RequestError("shutting_down", "The server is shutting down and takes no new runs; try again in a moment.", { status: 503 });
}

/** Whether an agent yielded a batch of events rather than one event. */
function isBatch(value: AGUIEvent | readonly AGUIEvent[]): value is readonly AGUIEvent[] {
  return Array.isArray(value);
}

/** Whether the client speaks AG-UI 1.0 (its input declares `protocolVersion` 1.x or later). */
function speaksAgUi1(input: RunAgentInput): boolean {
  return typeof input.protocolVersion === "string" && Number.parseInt(input.protocolVersion, 10) >= 1;
}

/** The run's token usage as one entry: per provider and model, then summed if there were several. */
function totalUsage(entries: TokenUsage[]): TokenUsage | undefined {
  const [first, ...rest] = aggregateTokenUsage(entries);
  if (first === undefined || rest.length === 0) return first;
  return aggregateTokenUsage([first, ...rest].map(({ provider: _p, model: _m, ...counts }) => counts))[0];
}

/**
 * One run, from admission to its end. It runs `onBeforeRequest`, creates the
 * agent, claims the thread in the run store, then streams the agent's events
 * while it owns everything around them: the abort sources (client gone,
 * stop, stall, server shutdown), the frames kept for `connect`, exactly one
 * terminal event, usage and duration, and one end that saves the
 * conversation and calls `onAfterRequest`. It does not care where the events
 * come from.
 */
export class RunSession {
  readonly threadKey: string;
  private readonly controller = new AbortController();
  private readonly transcript = new RunTranscript();
  private readonly usage: TokenUsage[] = [];
  private readonly startedAt = Date.now();
  private state: State = "ready";
  private claimed = false;
  /** A terminal event was produced (by the agent or by the session). */
  private terminalSent = false;
  private finishReason: FinishReason | undefined;
  private failure: RunFailure | undefined;
  private unlinkClient: (() => void) | undefined;
  private telemetry: RunTelemetry | undefined;

  private constructor(
    private readonly options: RunSessionOptions,
    private readonly hooked: OnBeforeRequestOptions,
    private readonly agent: RuntimeAgent,
  ) {
    this.threadKey = threadKeyOf(options.input.threadId, options.context);
  }

  /**
   * Admits a run: `onBeforeRequest`, the agent, the thread. Throws before any
   * event is streamed (a rejection, invalid parameters, 409 for a busy thread).
   */
  static async open(options: RunSessionOptions): Promise<RunSession> {
    if (options.activeRuns?.closing) throw shuttingDown();
    const { input, context } = options;
    const identity = context.identity;
    const withIdentity = (properties: Record<string, unknown>) => (identity ? { ...properties, identity } : properties);
    const forwarded = isPlainObject(input.forwardedProps) ? input.forwardedProps : {};
    const before = await options.middleware.beforeRun({
      threadId: input.threadId,
      runId: input.runId,
      inputMessages: input.messages,
      properties: withIdentity({ ...options.serverProperties, ...forwarded }),
      url: options.url,
      ...(options.request ? { request: options.request } : {}),
      context,
    });
    const hooked = { ...before, properties: withIdentity(before.properties) };
    const agent = await options.agent.create({
      input: { ...input, messages: hooked.inputMessages },
      properties: hooked.properties,
      url: options.url,
      ...(identity ? { identity } : {}),
      ...(options.request ? { request: options.request } : {}),
      context,
    });
    if (options.activeRuns?.closing) throw shuttingDown();
    const session = new RunSession(options, hooked, agent);
    await session.claim();
    session.linkClient(options.clientSignal);
    options.activeRuns?.add(session);
    return session;
  }

  private get signal(): AbortSignal {
    return this.controller.signal;
  }

  private async claim(): Promise<void> {
    const { store, input, agentId } = this.options;
    if (store === undefined) return;
    const claimed = await store.begin({
      threadKey: this.threadKey,
      runId: input.runId,
      messages: this.hooked.inputMessages,
      abort: () => this.abort(new StoppedRun()),
    });
    if (!claimed) {
      const stop = `POST …/agent/${agentId}/stop/${input.threadId}`;
      throw new RequestError(
        "run_in_progress",
        `A run is already in progress on thread ${JSON.stringify(input.threadId)}; wait for it to finish, or stop it (${stop}).`,
        { status: 409 },
      );
    }
    this.claimed = true;
  }

  // Linked by hand: AbortSignal.any keeps its sources' dependants alive longer on Node 20.
  private linkClient(signal: AbortSignal | undefined): void {
    if (signal === undefined) return;
    if (signal.aborted) return this.abort(new ClientGone());
    const onAbort = () => this.abort(new ClientGone());
    signal.addEventListener("abort", onAbort, { once: true });
    this.unlinkClient = () => signal.removeEventListener("abort", onAbort);
  }

  /** The server is shutting down and the run's grace period is over. */
  shutDown(): void {
    this.abort(new ServerShutdown());
  }

  /** Ends the run early for one of its abort sources; the first reason wins. */
  abort(reason: RunAbortReason): void {
    if (!this.signal.aborted) this.controller.abort(reason);
  }

  /** The client went away: abort, and end at once if the run never started streaming. */
  cancel(): void {
    this.abort(new ClientGone());
    if (this.state === "ready") void this.end();
  }

  /** The run's AG-UI events, from `RUN_STARTED` to exactly one terminal event. Never throws. */
  async *events(): AsyncGenerator<AGUIEvent> {
    for await (const batch of this.emit((events) => events)) yield* batch;
  }

  /**
   * The run's events as SSE frames, the frames of one batch of events (one read of the provider's answer) joined
   * into one string; each frame is kept in the run store for `connect`.
   */
  frames(): AsyncGenerator<string> {
    const store = this.claimed ? this.options.store : undefined;
    const { runId } = this.options.input;
    const threadKey = this.threadKey;
    return this.emit((events) => {
      let frames = "";
      for (const event of events) {
        const frame = encodeSSE(event);
        store?.frame(threadKey, runId, frame);
        frames += frame;
      }
      return frames;
    });
  }

  /**
   * The run itself, each batch of events given out as `as(batch)`: one generator for events and frames alike
   * (every generator layer costs a promise and a turn per batch).
   */
  private async *emit<T>(as: (events: readonly AGUIEvent[]) => T): AsyncGenerator<T> {
    if (this.state !== "ready") return;
    this.state = "running";
    const { agent: entry, input, stallMs } = this.options;
    const watchdog = new StallWatchdog(stallMs, () =>
      this.abort(new StallTimeout(entry.provider ?? "agent", stallMs, entry.stallSubject ?? "The agent")),
    );
    let iterator: AsyncIterator<AGUIEvent | readonly AGUIEvent[]> | undefined;
    this.telemetry = this.startTelemetry();
    try {
      let thrown: { error: unknown } | undefined;
      try {
        if (!this.signal.aborted) {
          iterator = this.agent.run({ ...input, messages: this.hooked.inputMessages }, this.runContext(watchdog))[Symbol.asyncIterator]();
          for (let next = await iterator.next(); next.done !== true; next = await iterator.next()) {
            watchdog.touch();
            const value = next.value;
            const batch: readonly AGUIEvent[] = isBatch(value) ? value : [value];
            const out: AGUIEvent[] = [];
            let ended = false;
            for (const event of batch) {
              if (!this.transcript.started && event.type !== EventType.RUN_STARTED) out.push(this.started());
              this.transcript.fold(event);
              out.push(event);
              if (event.type === EventType.RUN_FINISHED || event.type === EventType.RUN_ERROR) {
                // the agent ended the run itself
                this.noteTerminal(event);
                ended = true;
                break;
              }
            }
            if (out.length > 0) yield as(out);
            if (ended) return;
          }
          iterator = undefined;
        }
      } catch (error) {
        thrown = { error };
      }
      watchdog.stop();
      yield as([...this.terminal(thrown)]);
    } finally {
      watchdog.stop();
      if (iterator !== undefined) {
        // the agent failed, ended the run itself, or the consumer left: its run ends here
        if (!this.terminalSent) this.abort(new ClientGone());
        await Promise.resolve(iterator.return?.()).catch(() => undefined);
      }
      await this.end();
    }
  }

  /**
   * The frames for a client that may go away while the run goes on (`onClientDisconnect: "continue"`):
   * when the client stops reading, the run is read to its end in the background, its frames still kept.
   */
  framesUntilDone(onError: (error: unknown) => void): AsyncIterable<string> {
    const frames = this.frames();
    const drain = async () => {
      try {
        while (!(await frames.next()).done) {
          // nobody reads these frames any more; the run store keeps them
        }
      } catch (error) {
        onError(error);
      }
    };
    return {
      [Symbol.asyncIterator]: () => ({
        next: () => frames.next(),
        return: () => {
          void drain();
          return Promise.resolve({ done: true, value: undefined });
        },
      }),
    };
  }

  private started(): AGUIEvent {
    const event: AGUIEvent = { type: EventType.RUN_STARTED, threadId: this.options.input.threadId, runId: this.options.input.runId };
    this.transcript.fold(event);
    return event;
  }

  private runContext(watchdog: StallWatchdog): AgentRunContext {
    return {
      signal: this.signal,
      addUsage: (usage) => void this.usage.push(usage),
      setFinishReason: (reason) => void (this.finishReason = reason),
      watchdog,
      reportError: (error) => this.options.middleware.error({ error, source: "action", ...this.reportBase() }),
      ...(this.telemetry ? { telemetry: this.telemetry } : {}),
    };
  }

  private startTelemetry(): RunTelemetry | undefined {
    const { telemetry, agent, agentId, input, request, context } = this.options;
    if (telemetry === undefined) return undefined;
    return telemetry.startRun({
      agentId,
      agentName: agent.className,
      remote: agent.remote === true,
      threadId: input.threadId,
      runId: input.runId,
      ...(agent.provider !== undefined && agent.remote !== true ? { provider: agent.provider } : {}),
      ...(agent.model !== undefined ? { model: agent.model } : {}),
      ...(request ? { headers: request.headers } : {}),
      ...(context.identity ? { identity: context.identity } : {}),
      inputMessages: this.hooked.inputMessages,
    });
  }

  /** A terminal event the agent sent itself: its usage and failure count. */
  private noteTerminal(event: Extract<AGUIEvent, { type: EventType.RUN_FINISHED | EventType.RUN_ERROR }>): void {
    this.terminalSent = true;
    if (event.usage) this.usage.push(...event.usage);
    if (event.type === EventType.RUN_ERROR) this.failure = { code: event.code ?? "agent_error", message: event.message };
    else this.finishReason = reportedFinishReason(event.result) ?? this.finishReason ?? this.defaultFinishReason();
  }

  /** A run that ended normally without a reported reason: waiting on the client's tools, or done. */
  private defaultFinishReason(): FinishReason {
    return this.transcript.pendingToolCallIds().length > 0 ? "tool_calls" : "stop";
  }

  /** The end of a run the agent did not end itself: finished, cancelled (AG-UI 1.0 clients), or failed. */
  private *terminal(thrown: { error: unknown } | undefined): Generator<AGUIEvent> {
    this.terminalSent = true;
    if (!this.transcript.started) yield this.started();
    const reason: unknown = this.signal.aborted ? this.signal.reason : undefined;
    if (reason instanceof StoppedRun && speaksAgUi1(this.options.input)) {
      this.failure = runFailure(reason);
      yield* this.transcript.closeOpen();
      yield { ...this.finished(), outcome: { type: "cancelled" } };
      return;
    }
    if (isRunAbortReason(reason) || thrown !== undefined) {
      let error = isRunAbortReason(reason) ? reason : thrown?.error;
      if (!(error instanceof CopilotRuntimeError) && isAbortError(error)) {
        error = new CopilotRuntimeError("aborted", "The run was aborted.", { status: 499, cause: error });
      }
      this.failure = runFailure(error);
      yield { type: EventType.RUN_ERROR, message: this.failure.message, code: this.failure.code };
      return;
    }
    yield* this.transcript.closeOpen();
    const finished = this.finished();
    const pending = this.transcript.pendingToolCallIds();
    this.finishReason ??= this.defaultFinishReason();
    if (UNUSUAL_FINISH.has(this.finishReason)) finished.result = { finishReason: this.finishReason };
    if (pending.length > 0 && speaksAgUi1(this.options.input)) finished.outcome = { type: "success", pendingToolCallIds: pending };
    yield finished;
  }

  private finished(): RunFinishedEvent {
    const { threadId, runId } = this.options.input;
    const event: RunFinishedEvent = { type: EventType.RUN_FINISHED, threadId, runId };
    const usage = aggregateTokenUsage(this.usage);
    if (usage.length > 0) event.usage = usage;
    return event;
  }

  private reportBase() {
    const { input, request, context } = this.options;
    return { threadId: input.threadId, runId: input.runId, context, ...(request ? { request } : {}) };
  }

  /**
   * The one end of a run: save the conversation (awaited, so that the thread is free before the client
   * sees its response end, and a next run on it is not refused), report a failure, call `onAfterRequest`.
   * Runs once.
   */
  private async end(): Promise<void> {
    if (this.state === "ended") return;
    this.state = "ended";
    this.unlinkClient?.();
    const { store, middleware, input } = this.options;
    // a run that ended without a terminal event (the consumer left, or it never started) failed for its abort reason
    if (this.failure === undefined && !this.terminalSent)
      this.failure = runFailure(this.signal.aborted ? this.signal.reason : new ClientGone());
    const outputMessages: Message[] = this.transcript.outputMessages(new Set(this.hooked.inputMessages.map((message) => message.id)));
    if (this.claimed && store !== undefined) {
      const messages = [...this.hooked.inputMessages, ...outputMessages];
      try {
        await store.end(this.threadKey, input.runId, messages);
      } catch (error) {
        middleware.error({ error, source: "run", ...this.reportBase() });
      }
    }
    const failure = this.failure;
    if (failure) middleware.error({ error: failure.cause ?? failure, source: "run", ...this.reportBase() });
    this.options.activeRuns?.delete(this);
    const usage = totalUsage(this.usage);
    this.telemetry?.end({
      // stopped, or the client went away: nothing failed
      outcome: failure === undefined ? "success" : failure.code === "stopped" || failure.code === "aborted" ? "cancelled" : "error",
      ...(failure ? { errorCode: failure.code, error: failure.cause ?? failure } : {}),
      ...(usage ? { usage } : {}),
      ...(failure === undefined && this.finishReason !== undefined ? { finishReason: this.finishReason } : {}),
      outputMessages,
    });
    void middleware.afterRun({
      ...this.hooked,
      outputMessages,
      durationMs: Date.now() - this.startedAt,
      ...(usage ? { usage } : {}),
      ...(failure === undefined && this.finishReason !== undefined ? { finishReason: this.finishReason } : {}),
      ...(failure ? { error: failure } : {}),
    });
  }
}
