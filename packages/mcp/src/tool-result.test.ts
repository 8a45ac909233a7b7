import { describe, expect, it } from "vitest";
import { NO_CONTENT, toolOutcome } from "./tool-result.js";

describe("toolOutcome", () => {
  it("joins text parts", () => {
    expect(
      toolOutcome({
        content: [
          { type: "text", text: "one" },
          { type: "text", text: "two" },
        ],
      }),
    ).toEqual({ text: "one\ntwo", isError: false });
  });

  it("adds structured content as JSON unless a text part already carries it", () => {
    expect(toolOutcome({ content: [], structuredContent: { temp: 21 } }).text).toBe('{"temp":21}');
    expect(toolOutcome({ content: [{ type: "text", text: '{ "temp": 21 }' }], structuredContent: { temp: 21 } }).text).toBe(
      '{ "temp": 21 }',
    );
    expect(toolOutcome({ content: [{ type: "text", text: "Sunny" }], structuredContent: { temp: 21 } }).text).toBe('Sunny\n{"temp":21}');
  });

  it("keeps isError so that the model sees the tool's own error", () => {
    expect(toolOutcome({ content: [{ type: "text", text: "no such city" }], isError: true })).toEqual({
      text: "no such city",
      isError: true,
    });
  });

  it("summarises images, audio, binary resources and links; keeps text resources", () => {
    const { text } = toolOutcome({
      content: [
        { type: "image", data: "iVBORw0KGgo=", mimeType: "image/png" },
        { type: "audio", data: "A".repeat(4096), mimeType: "audio/wav" },
        { type: "resource", resource: { uri: "file:///notes.txt", mimeType: "text/plain", text: "hello" } },
        { type: "resource", resource: { uri: "file:///a.bin", blob: "AAAA" } },
        { type: "resource_link", uri: "https://example.com/doc", name: "doc", description: "The doc" },
        { type: "hologram" },
        "junk",
      ],
    });
    expect(text.split("\n")).toEqual([
      "[image: image/png, 8 B; not shown to the model]",
      "[audio: audio/wav, 3.0 kB; not shown to the model]",
      "[resource file:///notes.txt (text/plain)]",
      "hello",
      "[resource file:///a.bin: binary, 3 B; not shown to the model]",
      "[resource link: doc <https://example.com/doc> The doc]",
      "[hologram content; not shown to the model]",
      "[unreadable content]",
    ]);
  });

  it("says when there is nothing", () => {
    expect(toolOutcome({ content: [] })).toEqual({ text: NO_CONTENT, isError: false });
    expect(toolOutcome(null)).toEqual({ text: NO_CONTENT, isError: false });
    expect(toolOutcome({ toolResult: { ok: true } }).text).toBe('{"ok":true}');
  });
});
