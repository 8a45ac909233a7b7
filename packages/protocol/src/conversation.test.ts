import { describe, expect, it } from "vitest";
import type { ContentPart, Message } from "@ag-ui/core";
import { alternatingConversation, CONVERSATION_START, providerConversation, type AnsweredToolCall } from "./conversation.js";

const call = (id: string, name = "f", args = "{}") => ({ id, type: "function" as const, function: { name, arguments: args } });
const result = (content: string) => ({ content, isError: false, plainContent: content });

describe("providerConversation", () => {
  it("keeps the calls that have a result, each once, with their result, and drops the rest", () => {
    const messages: Message[] = [
      { id: "u", role: "user", content: "go" },
      { id: "orphan", role: "tool", toolCallId: "nobody", content: "lost" },
      { id: "d", role: "developer", content: "Dev" },
      { id: "a", role: "assistant", content: "", toolCalls: [call("c1", "a"), call("c2", "b", '{"x":1}'), call("c3", "never")] },
      { id: "t2", role: "tool", toolCallId: "c2", content: "two" },
      { id: "t1", role: "tool", toolCallId: "c1", content: "one" },
      { id: "a2", role: "assistant", toolCalls: [call("c1"), call("c9")] },
      { id: "r", role: "reasoning", content: "hmm" } as Message,
      { id: "a3", role: "assistant", content: "Done." },
      { id: "s", role: "system", content: "Sys" },
    ];
    expect(providerConversation(messages)).toEqual([
      { role: "user", content: "go" },
      { role: "developer", content: "Dev" },
      {
        role: "assistant",
        content: "",
        toolCalls: [
          { id: "c1", name: "a", arguments: "{}", result: result("one") },
          { id: "c2", name: "b", arguments: '{"x":1}', result: result("two") },
        ],
      },
      { role: "assistant", content: "Done.", toolCalls: [] },
      { role: "system", content: "Sys" },
    ]);
  });
});

describe("alternatingConversation", () => {
  const blocks = {
    user: (content: string | ContentPart[]) => (content === "" ? [] : [`user:${typeof content === "string" ? content : "parts"}`]),
    text: (text: string) => `text:${text}`,
    toolCall: (c: AnsweredToolCall) => `call:${c.id}`,
    toolResult: (c: AnsweredToolCall) => `result:${c.id}=${c.result.content}`,
  };

  it("sets system text apart, merges turns of one role, puts results first in the next user turn, starts with the user", () => {
    const conversation = alternatingConversation(
      [
        { id: "a0", role: "assistant", content: "Hello" },
        { id: "s", role: "system", content: "Rule one." },
        { id: "s-empty", role: "system", content: "" },
        { id: "u1", role: "user", content: "" },
        { id: "u2", role: "user", content: "Weather?" },
        { id: "a1", role: "assistant", content: "Checking.", toolCalls: [call("c1"), call("c2")] },
        { id: "t2", role: "tool", toolCallId: "c2", content: "rainy" },
        { id: "t1", role: "tool", toolCallId: "c1", content: "sunny" },
        { id: "u3", role: "user", content: "Thanks" },
        { id: "d", role: "developer", content: "Rule two." },
      ],
      blocks,
    );
    expect(conversation).toEqual({
      system: ["Rule one.", "Rule two."],
      turns: [
        { role: "user", blocks: [`text:${CONVERSATION_START}`] },
        { role: "assistant", blocks: ["text:Hello"] },
        { role: "user", blocks: ["user:Weather?"] },
        { role: "assistant", blocks: ["text:Checking.", "call:c1", "call:c2"] },
        { role: "user", blocks: ["result:c1=sunny", "result:c2=rainy", "user:Thanks"] },
      ],
    });
  });
});
