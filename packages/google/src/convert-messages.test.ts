import { describe, expect, it } from "vitest";
import { CONVERSATION_START } from "@copilot-runtime/protocol";
import { toGeminiContents } from "./convert-messages.js";

const call = (id: string, name: string, args = "{}") => ({ id, type: "function" as const, function: { name, arguments: args } });

describe("toGeminiContents", () => {
  it("maps roles to user/model and system messages to the systemInstruction", () => {
    expect(
      toGeminiContents([
        { id: "s", role: "system", content: "Be brief." },
        { id: "d", role: "developer", content: "Use metric units." },
        { id: "u", role: "user", content: "Hi" },
        { id: "a", role: "assistant", content: "Hello" },
      ]),
    ).toEqual({
      systemInstruction: "Be brief.\n\nUse metric units.",
      contents: [
        { role: "user", parts: [{ text: "Hi" }] },
        { role: "model", parts: [{ text: "Hello" }] },
      ],
    });
  });

  it("follows function calls with functionResponse parts in call order, and drops orphans", () => {
    const { contents } = toGeminiContents([
      { id: "u", role: "user", content: "Weather?" },
      { id: "t0", role: "tool", toolCallId: "ghost", content: "orphan" },
      {
        id: "a",
        role: "assistant",
        toolCalls: [call("c1", "w", '{"city":"Paris"}'), call("c2", "w", '{"city":"Rome"}'), call("c3", "never")],
      },
      { id: "t2", role: "tool", toolCallId: "c2", content: "rainy" },
      { id: "t1", role: "tool", toolCallId: "c1", content: "", error: "no data" },
      { id: "u2", role: "user", content: "Thanks" },
    ]);
    expect(contents).toEqual([
      { role: "user", parts: [{ text: "Weather?" }] },
      {
        role: "model",
        parts: [{ functionCall: { name: "w", args: { city: "Paris" } } }, { functionCall: { name: "w", args: { city: "Rome" } } }],
      },
      {
        role: "user",
        parts: [
          { functionResponse: { name: "w", response: { error: "no data" } } },
          { functionResponse: { name: "w", response: { result: "rainy" } } },
          { text: "Thanks" },
        ],
      },
    ]);
  });

  it("starts with a user turn and converts images", () => {
    const { contents } = toGeminiContents([
      { id: "a", role: "assistant", content: "How can I help?" },
      {
        id: "u",
        role: "user",
        content: [
          { type: "text", text: "What is this?" },
          { type: "image", source: { type: "data", value: "AAAA", mimeType: "image/png" } },
          { type: "image", source: { type: "url", value: "https://example.com/a.png", mimeType: "image/png" } },
        ],
      },
    ]);
    expect(contents).toEqual([
      { role: "user", parts: [{ text: CONVERSATION_START }] },
      { role: "model", parts: [{ text: "How can I help?" }] },
      {
        role: "user",
        parts: [
          { text: "What is this?" },
          { inlineData: { mimeType: "image/png", data: "AAAA" } },
          { fileData: { fileUri: "https://example.com/a.png", mimeType: "image/png" } },
        ],
      },
    ]);
  });

  it("has no systemInstruction without system messages", () => {
    expect(toGeminiContents([{ id: "u", role: "user", content: "Hi" }]).systemInstruction).toBeUndefined();
  });
});
