import { CopilotRuntimeError, ProviderError, redactSecrets, type RunFailure } from "@copilot-runtime/protocol";

/** Why a run was aborted: the session's abort sources. Each is the reason of the run's `AbortSignal`. */
export type RunAbortReason = ClientGone | StoppedRun | StallTimeout | ServerShutdown;

/** The client went away (it closed the connection or stopped reading). */
export class ClientGone extends CopilotRuntimeError {
  override name = "ClientGone";
  constructor() {
    super("aborted", "The client went away before the run ended.", { status: 499 });
  }
}

/** The run was stopped on purpose (`POST …/stop/{threadId}`). */
export class StoppedRun extends CopilotRuntimeError {
  override name = "StoppedRun";
  constructor() {
    super("stopped", "The run was stopped.", { status: 499 });
  }
}

/** The agent (for the built-in agent: the LLM's stream) sent nothing for too long. */
export class StallTimeout extends ProviderError {
  override name = "StallTimeout";
  constructor(provider: string, ms: number, what = "The LLM") {
    super("timeout", `${what} sent nothing for ${ms} ms; the request was abandoned.`, { provider, status: 504 });
  }
}

/** The server is shutting down and did not let the run finish. */
export class ServerShutdown extends CopilotRuntimeError {
  override name = "ServerShutdown";
  constructor() {
    super("server_shutdown", "The server is shutting down; the run was ended.", { status: 503 });
  }
}

export function isRunAbortReason(reason: unknown): reason is RunAbortReason {
  return reason instanceof ClientGone || reason instanceof StoppedRun || reason instanceof StallTimeout || reason instanceof ServerShutdown;
}

/** What a run that failed reports: its code, a message safe for the client, and the original error. */
export function runFailure(error: unknown): RunFailure {
  if (error instanceof CopilotRuntimeError) return { code: error.code, message: error.message, cause: error };
  const detail = error instanceof Error ? error.message : String(error);
  return { code: "internal_error", message: `The run failed: ${redactSecrets(detail)}`.slice(0, 1000), cause: error };
}
