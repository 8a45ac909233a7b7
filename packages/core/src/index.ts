export { CopilotRuntime, DEFAULT_SHUTDOWN_GRACE_MS, VERSION } from "./copilot-runtime.js";
export {
  DEFAULT_AGENT_ID,
  DEFAULT_MAX_BODY_BYTES,
  DEFAULT_MAX_STEPS,
  DEFAULT_PROVIDER_TIMEOUT_MS,
  DEFAULT_KEEP_ALIVE_MS,
  type ActionsContext,
  type ActionsOption,
  type CopilotRuntimeOptions,
  type ClientDisconnectPolicy,
  type CloseOptions,
  type CopilotRuntimeRequest,
  type HandlerOptions,
  type RequestMeta,
} from "./runtime-options.js";
export type {
  AgUiAgentLike,
  AgentEvents,
  AgentsContext,
  AgentsOption,
  AgentsRecord,
  EventObserver,
  SubscribableEvents,
  Unsubscribable,
} from "./agui-agent.js";
export { DEFAULT_INPUT_LIMITS, type InputLimits } from "./run-input.js";
export {
  MemoryRunStore,
  type ActiveRun,
  type BeginRun,
  type MemoryRunStoreOptions,
  type RunStore,
  type ThreadReplay,
} from "./run-store.js";
export { MiddlewareRejection } from "./middleware-rejection.js";
export type {
  CopilotRuntimeMiddleware,
  ErrorReport,
  Identity,
  OnAfterRequestOptions,
  OnBeforeRequestOptions,
  OnBeforeRequestResult,
  OnRequestOptions,
  OnResponseOptions,
  RequestContext,
  RunFailure,
} from "@copilot-runtime/protocol";
export {
  AgentError,
  ConfigurationError,
  CopilotRuntimeError,
  ProviderError,
  RequestError,
  defineAction,
  defineActions,
  type Action,
  type AgentErrorCode,
  type ActionContext,
  type ActionDefinition,
  type ArgsOf,
  type ErrorCode,
  type FinishReason,
  type Parameter,
  type ServiceAdapter,
  type TypedActionDefinitions,
} from "@copilot-runtime/protocol";
