// Every streamed answer is checked: a fast wrong answer is a failure.
import { verifyEvents } from "@copilot-runtime/testing";
import { parseSSE } from "@copilot-runtime/testing";
import { ANSWER } from "./scenario.mjs";

const textOf = (events) =>
  events
    .filter((e) => e.type === "TEXT_MESSAGE_CONTENT")
    .map((e) => e.delta)
    .join("");

/** An AG-UI answer: valid order, the whole 50-token text, and for the tool scenario the action's result first. */
export function validateAgui(text, scenario) {
  const events = parseSSE(text);
  verifyEvents(events);
  if (events.at(-1)?.type !== "RUN_FINISHED") throw new Error(`run did not finish: ${events.at(-1)?.type}`);
  if (scenario === "tool") {
    const result = events.find((e) => e.type === "TOOL_CALL_RESULT");
    if (!result || !String(result.content).includes("Hello, Ada!")) throw new Error("the server action's result is missing");
  }
  if (textOf(events).trim() !== ANSWER) throw new Error("the answer text is incomplete");
}

/** The limit's answer: OpenAI chunks, the whole text (or the tool call), and `[DONE]`. */
export function validateOpenAI(text, expectTool) {
  if (!text.includes("data: [DONE]")) throw new Error("no [DONE]");
  const chunks = text
    .split("\n\n")
    .filter((frame) => frame.startsWith("data: {"))
    .map((frame) => JSON.parse(frame.slice(6)));
  if (expectTool) {
    if (!chunks.some((chunk) => chunk.choices?.[0]?.delta?.tool_calls)) throw new Error("no tool call");
    return;
  }
  const answer = chunks.map((chunk) => chunk.choices?.[0]?.delta?.content ?? "").join("");
  if (answer.trim() !== ANSWER) throw new Error("the answer text is incomplete");
}
