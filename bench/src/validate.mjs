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
  const last = events.at(-1);
  if (last?.type !== "RUN_FINISHED") {
    throw new Error(`run did not finish: ${last?.type}${last?.type === "RUN_ERROR" ? ` (${last.code}: ${last.message})` : ""}`);
  }
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

/** The JSON of every `data:` line of an SSE body (any framing: LF or CRLF), `[DONE]` left out. */
function dataFrames(text) {
  const frames = [];
  for (const line of text.split(/\r?\n/)) {
    if (!line.startsWith("data:")) continue;
    const data = line.slice(5).trim();
    if (data !== "[DONE]") frames.push(JSON.parse(data));
  }
  return frames;
}

/** limit-anthropic's answer: Messages stream events, the whole text (or the tool_use block), and `message_stop`. */
export function validateAnthropic(text, expectTool) {
  const events = dataFrames(text);
  if (events.at(-1)?.type !== "message_stop") throw new Error("no message_stop");
  if (expectTool) {
    if (!events.some((e) => e.type === "content_block_start" && e.content_block?.type === "tool_use")) throw new Error("no tool_use");
    return;
  }
  const answer = events
    .filter((e) => e.type === "content_block_delta" && e.delta?.type === "text_delta")
    .map((e) => e.delta.text)
    .join("");
  if (answer.trim() !== ANSWER) throw new Error("the answer text is incomplete");
}

/** limit-gemini's answer: GenerateContentResponse chunks, the whole text (or the functionCall), and a finishReason. */
export function validateGemini(text, expectTool) {
  const chunks = dataFrames(text);
  const parts = chunks.flatMap((chunk) => chunk.candidates?.[0]?.content?.parts ?? []);
  if (!chunks.at(-1)?.candidates?.[0]?.finishReason) throw new Error("no finishReason");
  if (expectTool) {
    if (!parts.some((part) => part.functionCall?.name === "sayHello")) throw new Error("no functionCall");
    return;
  }
  const answer = parts.map((part) => part.text ?? "").join("");
  if (answer.trim() !== ANSWER) throw new Error("the answer text is incomplete");
}

/**
 * An AI SDK UI message stream (ai-sdk-6): `start` … `finish` then `data: [DONE]`, no `error` part, every text part
 * opened before its deltas and closed, the whole 50-token text; for the tool scenario the tool's output
 * ("Hello, Ada!") before a second step that answers.
 */
export function validateUIMessageStream(text, scenario) {
  if (!/^data: \[DONE\]$/m.test(text)) throw new Error("no [DONE]");
  const parts = dataFrames(text);
  if (parts[0]?.type !== "start") throw new Error(`the stream did not start: ${parts[0]?.type}`);
  if (parts.at(-1)?.type !== "finish") throw new Error(`the stream did not finish: ${parts.at(-1)?.type}`);
  const failed = parts.find((part) => part.type === "error" || part.type === "tool-output-error");
  if (failed) throw new Error(`${failed.type}: ${failed.errorText}`);
  const open = new Set();
  let answer = "";
  let afterTool = "";
  let toolOutput;
  for (const part of parts) {
    if (part.type === "text-start") open.add(part.id);
    else if (part.type === "text-delta") {
      if (!open.has(part.id)) throw new Error("text-delta outside its text part");
      if (toolOutput !== undefined) afterTool += part.delta;
      answer += part.delta;
    } else if (part.type === "text-end") {
      if (!open.delete(part.id)) throw new Error("text-end of a text part not open");
    } else if (part.type === "tool-output-available") toolOutput = part.output;
  }
  if (open.size > 0) throw new Error("a text part was not closed");
  if (scenario === "tool") {
    if (!String(toolOutput ?? "").includes("Hello, Ada!")) throw new Error("the tool's output is missing");
    if (afterTool.trim() !== ANSWER) throw new Error("the answer after the tool is incomplete");
    if (parts.filter((part) => part.type === "start-step").length < 2) throw new Error("no second step");
  }
  if (answer.trim() !== ANSWER) throw new Error("the answer text is incomplete");
}
