import { describe, expect, it } from "vitest";
import { CONVERSATION_START, type Message } from "@copilot-runtime/protocol";
import { toAnthropicMessages } from "./convert-messages.js";

const call = (id: string, name = "f", args = "{}") => ({ id, type: "function" as const, function: { name, arguments: args } });

describe("toAnthropicMessages", () => {
  it("puts every system and developer message into the top-level system, in order", () => {
    const { system, messages } = toAnthropicMessages([
      { id: "s1", role: "system", content: "First rule." },
      { id: "u1", role: "user", content: "Hi" },
      { id: "d1", role: "developer", content: "Second rule." },
      { id: "s2", role: "system", content: "Third rule." },
    ]);
    expect(system).toEqual([
      { type: "text", text: "First rule." },
      { type: "text", text: "Second rule." },
      { type: "text", text: "Third rule." },
    ]);
    expect(messages).toEqual([{ role: "user", content: [{ type: "text", text: "Hi" }] }]);
  });

  it("merges consecutive turns of one role", () => {
    const { messages } = toAnthropicMessages([
      { id: "u1", role: "user", content: "One" },
      { id: "u2", role: "user", content: "Two" },
      { id: "a1", role: "assistant", content: "A" },
      { id: "a2", role: "assistant", content: "B" },
    ]);
    expect(messages).toEqual([
      {
        role: "user",
        content: [
          { type: "text", text: "One" },
          { type: "text", text: "Two" },
        ],
      },
      {
        role: "assistant",
        content: [
          { type: "text", text: "A" },
          { type: "text", text: "B" },
        ],
      },
    ]);
  });

  it("puts tool_result blocks first in the next user turn, in call order", () => {
    const { messages } = toAnthropicMessages([
      { id: "u1", role: "user", content: "Weather?" },
      {
        id: "a1",
        role: "assistant",
        content: "Checking.",
        toolCalls: [call("c1", "w", '{"city":"Paris"}'), call("c2", "w", '{"city":"Rome"}')],
      },
      { id: "t2", role: "tool", toolCallId: "c2", content: "rainy" },
      { id: "t1", role: "tool", toolCallId: "c1", content: "sunny" },
      { id: "u2", role: "user", content: "Thanks" },
    ]);
    expect(messages).toEqual([
      { role: "user", content: [{ type: "text", text: "Weather?" }] },
      {
        role: "assistant",
        content: [
          { type: "text", text: "Checking." },
          { type: "tool_use", id: "c1", name: "w", input: { city: "Paris" } },
          { type: "tool_use", id: "c2", name: "w", input: { city: "Rome" } },
        ],
      },
      {
        role: "user",
        content: [
          { type: "tool_result", tool_use_id: "c1", content: "sunny" },
          { type: "tool_result", tool_use_id: "c2", content: "rainy" },
          { type: "text", text: "Thanks" },
        ],
      },
    ]);
  });

  it("drops tool_use without a result and results without a tool_use", () => {
    const { messages } = toAnthropicMessages([
      { id: "u1", role: "user", content: "Go" },
      { id: "t0", role: "tool", toolCallId: "ghost", content: "orphan" },
      { id: "a1", role: "assistant", content: "", toolCalls: [call("c1"), call("unanswered")] },
      { id: "t1", role: "tool", toolCallId: "c1", content: "done", error: "partial failure" },
      { id: "a2", role: "assistant", toolCalls: [call("never")] },
    ]);
    expect(messages).toEqual([
      { role: "user", content: [{ type: "text", text: "Go" }] },
      { role: "assistant", content: [{ type: "tool_use", id: "c1", name: "f", input: {} }] },
      { role: "user", content: [{ type: "tool_result", tool_use_id: "c1", content: "done", is_error: true }] },
    ]);
    const all = JSON.stringify(messages);
    expect(all).not.toContain("ghost");
    expect(all).not.toContain("unanswered");
  });

  it("starts with a user turn and skips empty text, reasoning and activity messages", () => {
    const { messages } = toAnthropicMessages([
      { id: "a0", role: "assistant", content: "How can I help?" },
      { id: "r", role: "reasoning", content: "hmm" } as Message,
      { id: "u1", role: "user", content: "" },
      { id: "u2", role: "user", content: "Help" },
    ]);
    expect(messages).toEqual([
      { role: "user", content: [{ type: "text", text: CONVERSATION_START }] },
      { role: "assistant", content: [{ type: "text", text: "How can I help?" }] },
      { role: "user", content: [{ type: "text", text: "Help" }] },
    ]);
  });

  it("converts images", () => {
    const { messages } = toAnthropicMessages([
      {
        id: "u",
        role: "user",
        content: [
          { type: "text", text: "What is it?" },
          { type: "image", source: { type: "data", value: "AAAA", mimeType: "image/png" } },
          { type: "image", source: { type: "url", value: "https://example.com/a.png" } },
        ],
      },
    ]);
    expect(messages[0]?.content).toEqual([
      { type: "text", text: "What is it?" },
      { type: "image", source: { type: "base64", media_type: "image/png", data: "AAAA" } },
      { type: "image", source: { type: "url", url: "https://example.com/a.png" } },
    ]);
  });
});
