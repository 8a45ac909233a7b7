/**
 * The OpenTelemetry GenAI semantic conventions this package writes (spans, metrics; the `gen_ai.*` names are the
 * conventions', the `copilot_runtime.*` ones ours). Kept here rather than imported from
 * `@opentelemetry/semantic-conventions`: the GenAI names are still "incubating" there and move between its entry points.
 */
export const ATTR = {
  operationName: "gen_ai.operation.name",
  providerName: "gen_ai.provider.name",
  agentId: "gen_ai.agent.id",
  agentName: "gen_ai.agent.name",
  conversationId: "gen_ai.conversation.id",
  requestModel: "gen_ai.request.model",
  requestTemperature: "gen_ai.request.temperature",
  requestMaxTokens: "gen_ai.request.max_tokens",
  requestTopP: "gen_ai.request.top_p",
  requestStopSequences: "gen_ai.request.stop_sequences",
  responseModel: "gen_ai.response.model",
  responseId: "gen_ai.response.id",
  responseFinishReasons: "gen_ai.response.finish_reasons",
  usageInputTokens: "gen_ai.usage.input_tokens",
  usageOutputTokens: "gen_ai.usage.output_tokens",
  inputMessages: "gen_ai.input.messages",
  outputMessages: "gen_ai.output.messages",
  toolName: "gen_ai.tool.name",
  toolCallId: "gen_ai.tool.call.id",
  toolType: "gen_ai.tool.type",
  toolDescription: "gen_ai.tool.description",
  toolCallArguments: "gen_ai.tool.call.arguments",
  toolCallResult: "gen_ai.tool.call.result",
  tokenType: "gen_ai.token.type",
  errorType: "error.type",
  runId: "copilot_runtime.run.id",
  threadId: "copilot_runtime.thread.id",
  runOutcome: "copilot_runtime.run.outcome",
  errorCode: "copilot_runtime.error.code",
  toolKind: "copilot_runtime.tool.kind",
  agentRemote: "copilot_runtime.agent.remote",
} as const;

/** The metrics, with the conventions' units and advisory bucket boundaries. */
export const METRIC = {
  tokenUsage: "gen_ai.client.token.usage",
  operationDuration: "gen_ai.client.operation.duration",
  runsStarted: "copilot_runtime.runs.started",
  runsFailed: "copilot_runtime.runs.failed",
  runsActive: "copilot_runtime.runs.active",
} as const;

export const TOKEN_BUCKETS = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864];
export const DURATION_BUCKETS = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92];

/**
 * Our adapters' provider names as the conventions spell them (`gen_ai.provider.name`): Gemini through the Gemini API
 * is `gcp.gemini`, Bedrock `aws.bedrock`, Azure OpenAI `azure.ai.openai`; others are kept as they are.
 */
export function providerName(provider: string): string {
  switch (provider) {
    case "google":
    case "gemini":
      return "gcp.gemini";
    case "vertex":
      return "gcp.vertex_ai";
    case "bedrock":
    case "amazon-bedrock":
      return "aws.bedrock";
    case "azure":
    case "azure-openai":
      return "azure.ai.openai";
    default:
      return provider;
  }
}
