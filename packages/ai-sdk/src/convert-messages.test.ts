import type { Message } from "@copilot-runtime/protocol";
import { describe, expect, it } from "vitest";
import { toLanguageModelPrompt } from "./convert-messages.js";

const call = (id: string, args: string) => ({ id, type: "function" as const, function: { name: "lookup", arguments: args } });

describe("toLanguageModelPrompt", () => {
  it("puts every system and developer message in one system message at the start", () => {
    const prompt = toLanguageModelPrompt([
      { id: "s", role: "system", content: "Be brief." },
      { id: "u", role: "user", content: "Hi" },
      { id: "d", role: "developer", content: "Use metric units." },
      { id: "e", role: "system", content: "" },
    ]);
    expect(prompt).toEqual([
      { role: "system", content: "Be brief.\n\nUse metric units." },
      { role: "user", content: [{ type: "text", text: "Hi" }] },
    ]);
    expect(toLanguageModelPrompt([{ id: "u", role: "user", content: "Hi" }])[0]?.role).toBe("user");
  });

  it("pairs tool calls with their results, parses arguments, marks failed results, drops orphans", () => {
    const messages: Message[] = [
      { id: "u", role: "user", content: "Weather?" },
      {
        id: "a",
        role: "assistant",
        content: "Checking.",
        toolCalls: [call("c1", '{"city":"Paris"}'), call("c2", "not json"), call("c3", "")],
      },
      { id: "t1", role: "tool", toolCallId: "c1", content: "sunny" },
      { id: "t2", role: "tool", toolCallId: "c2", content: "", error: "no such city" },
      { id: "t3", role: "tool", toolCallId: "c3", content: "ok" },
      { id: "orphan", role: "tool", toolCallId: "nobody", content: "lost" },
      { id: "a2", role: "assistant", content: "", toolCalls: [call("unanswered", "{}")] },
    ];
    expect(toLanguageModelPrompt(messages)).toEqual([
      { role: "user", content: [{ type: "text", text: "Weather?" }] },
      {
        role: "assistant",
        content: [
          { type: "text", text: "Checking." },
          { type: "tool-call", toolCallId: "c1", toolName: "lookup", input: { city: "Paris" } },
          { type: "tool-call", toolCallId: "c2", toolName: "lookup", input: "not json" },
          { type: "tool-call", toolCallId: "c3", toolName: "lookup", input: {} },
        ],
      },
      {
        role: "tool",
        content: [
          { type: "tool-result", toolCallId: "c1", toolName: "lookup", output: { type: "text", value: "sunny" } },
          { type: "tool-result", toolCallId: "c2", toolName: "lookup", output: { type: "error-text", value: "no such city" } },
          { type: "tool-result", toolCallId: "c3", toolName: "lookup", output: { type: "text", value: "ok" } },
        ],
      },
    ]);
  });

  it("turns images, audio and documents given as data or a URL into file parts; leaves out what it cannot send", () => {
    const prompt = toLanguageModelPrompt([
      {
        id: "u",
        role: "user",
        content: [
          { type: "text", text: "What is this?" },
          { type: "text", text: "" },
          { type: "image", source: { type: "data", value: "aGk=", mimeType: "image/png" } },
          { type: "image", source: { type: "url", value: "https://example.com/cat.jpg" } },
          { type: "document", source: { type: "url", value: "https://example.com/a.pdf", mimeType: "application/pdf" } },
          { type: "audio", source: { type: "url", value: "https://example.com/a.mp3" } }, // no media type
          { type: "video", source: { type: "url", value: "not a url", mimeType: "video/mp4" } },
          { type: "image", source: { type: "file", value: "file-abc", mimeType: "image/png" } },
        ],
      },
    ]);
    expect(prompt).toEqual([
      {
        role: "user",
        content: [
          { type: "text", text: "What is this?" },
          { type: "file", data: "aGk=", mediaType: "image/png" },
          { type: "file", data: new URL("https://example.com/cat.jpg"), mediaType: "image/*" },
          { type: "file", data: new URL("https://example.com/a.pdf"), mediaType: "application/pdf" },
        ],
      },
    ]);
  });

  it("leaves out empty user turns, and reasoning and activity messages", () => {
    expect(
      toLanguageModelPrompt([
        { id: "u0", role: "user", content: "" },
        { id: "u1", role: "user", content: [{ type: "text", text: "" }] },
        { id: "r", role: "reasoning", content: "thoughts" } as Message,
        { id: "u2", role: "user", content: "Hi" },
      ]),
    ).toEqual([{ role: "user", content: [{ type: "text", text: "Hi" }] }]);
  });
});
