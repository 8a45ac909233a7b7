// What the fake OpenAI server answers, for every target alike: a 50-token
// answer, or first a call of the server action `sayHello` when the user asks for it.
export const ANSWER = Array.from({ length: 50 }, (_, i) => `word${i}`).join(" ");
export const TOOL_PROMPT = "please call the tool sayHello";
export const FRONTEND_PROMPT = "please confirm with the user";
/** The soak's aborting clients ask this: the fake starts the answer, then holds it until the request is closed. */
export const ABORT_PROMPT = "keep talking until I leave";

/** The fake's answer for a request body (OpenAI Chat Completions or Responses API, Anthropic Messages, Gemini). */
export function answerFor(body) {
  const text = JSON.stringify(body);
  const hasResult =
    text.includes('"role":"tool"') ||
    text.includes("function_call_output") ||
    text.includes('"type":"tool_result"') ||
    text.includes('"functionResponse"');
  if (text.includes(FRONTEND_PROMPT) && !hasResult) {
    return { toolCalls: [{ name: "confirm", arguments: { question: "Proceed?" } }], usage: { inputTokens: 30, outputTokens: 8 } };
  }
  if (text.includes(TOOL_PROMPT) && !hasResult) {
    return { toolCalls: [{ name: "sayHello", arguments: { arg: "Ada" } }], usage: { inputTokens: 30, outputTokens: 8 } };
  }
  return { text: ANSWER, usage: { inputTokens: 30, outputTokens: 50 } };
}
