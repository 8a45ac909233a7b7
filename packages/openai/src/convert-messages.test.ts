import { describe, expect, it } from "vitest";
import type { Message } from "@copilot-runtime/protocol";
import { toOpenAIMessages } from "./convert-messages.js";

const call = (id: string, name = "f", args = "{}") => ({ id, type: "function" as const, function: { name, arguments: args } });

describe("toOpenAIMessages", () => {
  it("maps roles; system becomes developer unless keepSystemRole", () => {
    const messages: Message[] = [
      { id: "s", role: "system", content: "Be brief." },
      { id: "d", role: "developer", content: "Dev note." },
      { id: "u", role: "user", content: "Hi" },
      { id: "a", role: "assistant", content: "Hello" },
      { id: "r", role: "reasoning", content: "thinking" } as Message,
    ];
    expect(toOpenAIMessages(messages, { keepSystemRole: false })).toEqual([
      { role: "developer", content: "Be brief." },
      { role: "developer", content: "Dev note." },
      { role: "user", content: "Hi" },
      { role: "assistant", content: "Hello" },
    ]);
    expect(toOpenAIMessages(messages, { keepSystemRole: true })[0]).toEqual({ role: "system", content: "Be brief." });
  });

  it("places tool results right after their call and drops orphans and unanswered calls", () => {
    const messages: Message[] = [
      { id: "u", role: "user", content: "go" },
      { id: "orphan", role: "tool", toolCallId: "nobody", content: "lost" },
      { id: "a", role: "assistant", content: "", toolCalls: [call("c1", "a"), call("c2", "b"), call("c3", "never")] },
      { id: "u2", role: "user", content: "interleaved" },
      { id: "t2", role: "tool", toolCallId: "c2", content: "two" },
      { id: "t1", role: "tool", toolCallId: "c1", content: [{ type: "text", text: "one" }] },
      { id: "t1-dup", role: "tool", toolCallId: "c1", content: "again" },
      { id: "a2", role: "assistant", toolCalls: [call("c9")] },
    ];
    expect(toOpenAIMessages(messages, { keepSystemRole: false })).toEqual([
      { role: "user", content: "go" },
      {
        role: "assistant",
        content: null,
        tool_calls: [
          { id: "c1", type: "function", function: { name: "a", arguments: "{}" } },
          { id: "c2", type: "function", function: { name: "b", arguments: "{}" } },
        ],
      },
      { role: "tool", tool_call_id: "c1", content: "one" },
      { role: "tool", tool_call_id: "c2", content: "two" },
      { role: "user", content: "interleaved" },
    ]);
  });

  it("reports a tool error when the result has no content", () => {
    const messages: Message[] = [
      { id: "a", role: "assistant", toolCalls: [call("c1")] },
      { id: "t", role: "tool", toolCallId: "c1", content: "", error: "boom" },
    ];
    expect(toOpenAIMessages(messages, { keepSystemRole: false })[1]).toEqual({ role: "tool", tool_call_id: "c1", content: "Error: boom" });
  });

  it("converts user images to image_url parts", () => {
    const messages: Message[] = [
      {
        id: "u",
        role: "user",
        content: [
          { type: "text", text: "What is this?" },
          { type: "image", source: { type: "data", value: "AAAA", mimeType: "image/png" } },
          { type: "image", source: { type: "url", value: "https://example.com/cat.png" } },
        ],
      },
    ];
    expect(toOpenAIMessages(messages, { keepSystemRole: false })).toEqual([
      {
        role: "user",
        content: [
          { type: "text", text: "What is this?" },
          { type: "image_url", image_url: { url: "data:image/png;base64,AAAA" } },
          { type: "image_url", image_url: { url: "https://example.com/cat.png" } },
        ],
      },
    ]);
  });
});
