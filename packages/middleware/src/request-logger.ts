import { ConfigurationError, type CopilotRuntimeMiddleware, type Message, type TokenUsage } from "@copilot-runtime/protocol";

/** One line per run. */
export interface RunLogEntry {
  event: "copilot_run";
  threadId: string;
  runId: string;
  userId?: string;
  status: "ok" | "error";
  errorCode?: string;
  errorMessage?: string;
  durationMs: number;
  inputTokens?: number;
  outputTokens?: number;
  totalTokens?: number;
  /** Names of the tools the LLM called, in order. */
  toolCalls: string[];
  inputMessageCount: number;
  outputMessageCount: number;
  /** Only with `includeMessages: true`. */
  inputMessages?: Message[];
  outputMessages?: Message[];
}

export interface RequestLoggerOptions {
  /** Where the line goes, e.g. `(entry) => logger.info(entry)` or `(entry) => console.log(JSON.stringify(entry))`. */
  log: (entry: RunLogEntry) => void;
  /** Also log the messages (they may hold personal data). Default false. */
  includeMessages?: boolean;
}

function usageFields(usage: TokenUsage | undefined): Partial<RunLogEntry> {
  if (!usage) return {};
  return {
    ...(usage.inputTokens != null ? { inputTokens: usage.inputTokens } : {}),
    ...(usage.outputTokens != null ? { outputTokens: usage.outputTokens } : {}),
    ...(usage.totalTokens != null ? { totalTokens: usage.totalTokens } : {}),
  };
}

/** Logs one structured line per run: ids, user, duration, status, tokens, tool calls; message contents only when asked. */
export function requestLogger(options: RequestLoggerOptions): CopilotRuntimeMiddleware {
  if (typeof options?.log !== "function") throw new ConfigurationError("requestLogger needs a log(entry) function.");
  return {
    onAfterRequest(run) {
      const toolCalls = run.outputMessages.flatMap((message) =>
        message.role === "assistant" ? (message.toolCalls ?? []).map((call) => call.function.name) : [],
      );
      const entry: RunLogEntry = {
        event: "copilot_run",
        threadId: run.threadId,
        runId: run.runId,
        ...(run.context?.identity ? { userId: run.context.identity.id } : {}),
        status: run.error ? "error" : "ok",
        ...(run.error ? { errorCode: run.error.code, errorMessage: run.error.message } : {}),
        durationMs: run.durationMs,
        ...usageFields(run.usage),
        toolCalls,
        inputMessageCount: run.inputMessages.length,
        outputMessageCount: run.outputMessages.length,
        ...(options.includeMessages === true ? { inputMessages: run.inputMessages, outputMessages: run.outputMessages } : {}),
      };
      options.log(entry);
    },
  };
}
