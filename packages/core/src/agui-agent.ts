import type { AgentCapabilities, Identity, RunAgentInput } from "@copilot-runtime/protocol";

/** What `subscribe` returns: RxJS's `Subscription`, or anything with `unsubscribe`. */
export interface Unsubscribable {
  unsubscribe(): void;
}

/** The observer an `Observable` (RxJS or any other) is subscribed with. */
export interface EventObserver {
  next(event: unknown): void;
  error(error: unknown): void;
  complete(): void;
}

/** An RxJS-style observable of AG-UI events, consumed by its `subscribe` contract alone (no RxJS needed). */
export interface SubscribableEvents {
  subscribe(observer: EventObserver): Unsubscribable;
}

/** What an agent's `run(input)` may return: an observable (AG-UI's `AbstractAgent`), or an async iterable. */
export type AgentEvents = SubscribableEvents | AsyncIterable<unknown>;

/**
 * Anything with the shape of AG-UI's `AbstractAgent` (`@ag-ui/client`'s `HttpAgent`, `@ag-ui/langgraph`'s
 * `LangGraphAgent`, …). The runtime calls `run(input)` with the run's whole `RunAgentInput` and forwards
 * the events. For every run it uses `clone()` when the agent has one (AG-UI agents keep messages and
 * state, so one configured agent serves concurrent threads); an agent without `clone()` is used as is and
 * must handle concurrent `run` calls itself. `abortRun()` is called when the run is aborted.
 */
export interface AgUiAgentLike {
  run(input: RunAgentInput): AgentEvents;
  clone?(): AgUiAgentLike;
  abortRun?(): void;
  description?: string;
  getCapabilities?(): Promise<AgentCapabilities>;
}

/** What the `agents` function is called with, once per request. */
export interface AgentsContext {
  /** The HTTP request (absent for `runtime.process`). Headers of the end user are here; nothing is forwarded by default. */
  request?: Request;
  /** The runtime's `properties`, the client's `forwardedProps` (on runs) and the verified `identity`. */
  properties: Record<string, unknown>;
  /** The identity an auth middleware verified in `onRequest`. */
  identity?: Identity;
}

/** The agents the runtime serves beside (or instead of) the built-in one, by id. */
export type AgentsRecord = Record<string, AgUiAgentLike>;

/** The `agents` option: AG-UI agents by id, or a function of the request returning them. */
export type AgentsOption = AgentsRecord | ((context: AgentsContext) => AgentsRecord | Promise<AgentsRecord>);
