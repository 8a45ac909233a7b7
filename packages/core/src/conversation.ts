import type { Message, RunAgentInput } from "@copilot-runtime/protocol";

/** The conversation the LLM sees: the input messages, with the app's context folded into a system message after the leading ones. */
export function conversationFor(input: RunAgentInput, messages: readonly Message[] = input.messages): Message[] {
  const history = [...messages];
  const context = input.context ?? [];
  if (context.length === 0) return history;
  const content = "The app provides this context:\n" + context.map((item) => `- ${item.description}: ${item.value}`).join("\n");
  let at = 0;
  while (at < history.length && (history[at]?.role === "system" || history[at]?.role === "developer")) at++;
  history.splice(at, 0, { id: `context-${input.runId}`, role: "system", content });
  return history;
}
