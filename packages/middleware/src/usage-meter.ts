import { ConfigurationError, type CopilotRuntimeMiddleware, type TokenUsage } from "@copilot-runtime/protocol";

export interface UsageRecord {
  threadId: string;
  runId: string;
  /** The verified caller's id, or "anonymous". */
  userId: string;
  usage: TokenUsage;
  /** Epoch ms when the run ended. */
  at: number;
}

export interface UsageTotals {
  runs: number;
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
}

export interface UsageMeterOptions {
  /** Called once per run that reported token usage (failed runs included), e.g. to write a billing record. */
  onUsage?: (record: UsageRecord) => void | Promise<void>;
}

export interface UsageMeter extends CopilotRuntimeMiddleware {
  /** Running totals for one user since start. */
  totalsFor(userId: string): UsageTotals;
  /** Running totals of every user since start. */
  totals(): Map<string, UsageTotals>;
}

const empty = (): UsageTotals => ({ runs: 0, inputTokens: 0, outputTokens: 0, totalTokens: 0 });

/** Meters token usage per run and per user, for billing and quotas. */
export function usageMeter(options: UsageMeterOptions = {}): UsageMeter {
  if (options.onUsage != null && typeof options.onUsage !== "function") {
    throw new ConfigurationError("usageMeter: `onUsage` must be a function.");
  }
  const totals = new Map<string, UsageTotals>();
  return {
    async onAfterRequest(run) {
      if (!run.usage) return;
      const userId = run.context?.identity?.id ?? "anonymous";
      const sum = totals.get(userId) ?? empty();
      sum.runs++;
      sum.inputTokens += run.usage.inputTokens ?? 0;
      sum.outputTokens += run.usage.outputTokens ?? 0;
      sum.totalTokens += run.usage.totalTokens ?? (run.usage.inputTokens ?? 0) + (run.usage.outputTokens ?? 0);
      totals.set(userId, sum);
      await options.onUsage?.({ threadId: run.threadId, runId: run.runId, userId, usage: run.usage, at: Date.now() });
    },
    totalsFor: (userId) => ({ ...(totals.get(userId) ?? empty()) }),
    totals: () => new Map([...totals].map(([user, sum]) => [user, { ...sum }])),
  };
}
