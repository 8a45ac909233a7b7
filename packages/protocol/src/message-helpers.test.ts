import { describe, expect, it } from "vitest";
import { contentToText, type Message } from "@ag-ui/core";
import { messageText, sourceUrl, textAndImageUrlParts, toolArgumentsObject, toolResultsById } from "./message-helpers.js";

describe("messageText", () => {
  it("joins non-empty text parts with newlines, where contentToText joins them with nothing", () => {
    const content = [
      { type: "text" as const, text: "first" },
      { type: "text" as const, text: "" },
      { type: "image" as const, source: { type: "url" as const, value: "https://example.com/a.png" } },
      { type: "text" as const, text: "second" },
    ];
    expect(messageText(content)).toBe("first\nsecond");
    expect(contentToText(content)).toBe("firstsecond");
    expect(messageText("as is")).toBe("as is");
    expect(messageText(undefined)).toBe("");
  });
});

describe("toolArgumentsObject", () => {
  it.each([
    ['{"a":1}', { a: 1 }],
    ["", {}],
    ["[1,2]", { value: [1, 2] }],
    ["[1]", { value: [1] }],
    ['"text"', { value: "text" }],
    ["42", { value: 42 }],
    ["{broken", { value: "{broken" }],
    ["nope", { value: "nope" }],
  ])("makes %s an object", (args, expected) => {
    expect(toolArgumentsObject(args)).toEqual(expected);
  });
});

describe("toolResultsById", () => {
  it("keeps the first result of each call, with the error's text where the result has none", () => {
    const messages: Message[] = [
      { id: "t1", role: "tool", toolCallId: "c1", content: [{ type: "text", text: "one" }] },
      { id: "t1-dup", role: "tool", toolCallId: "c1", content: "again" },
      { id: "t2", role: "tool", toolCallId: "c2", content: "", error: "boom" },
      { id: "t3", role: "tool", toolCallId: "c3", content: "partial", error: "timeout" },
    ];
    expect(Object.fromEntries(toolResultsById(messages))).toEqual({
      c1: { content: "one", isError: false, plainContent: "one" },
      c2: { content: "boom", isError: true, plainContent: "Error: boom" },
      c3: { content: "partial", isError: true, plainContent: "partial" },
    });
  });
});

describe("sourceUrl and textAndImageUrlParts", () => {
  it("gives a URL as is and inline data as a data URL, nothing for a provider file id", () => {
    expect(sourceUrl({ type: "url", value: "https://example.com/cat.png" })).toBe("https://example.com/cat.png");
    expect(sourceUrl({ type: "data", value: "AAAA", mimeType: "image/png" })).toBe("data:image/png;base64,AAAA");
    expect(sourceUrl({ type: "file", value: "file-123" })).toBeUndefined();
  });

  it("turns text and images into Chat Completions parts, skips the rest, and a lone text part into a string", () => {
    expect(
      textAndImageUrlParts([
        { type: "text", text: "What is this?" },
        { type: "image", source: { type: "data", value: "AAAA", mimeType: "image/png" } },
        { type: "image", source: { type: "file", value: "file-123" } },
        { type: "audio", source: { type: "url", value: "https://example.com/a.mp3" } },
      ]),
    ).toEqual([
      { type: "text", text: "What is this?" },
      { type: "image_url", image_url: { url: "data:image/png;base64,AAAA" } },
    ]);
    expect(textAndImageUrlParts([{ type: "text", text: "Just text" }])).toBe("Just text");
    expect(textAndImageUrlParts("plain")).toBe("plain");
  });
});
